// Bedrock runtime: a model id from a const, another from the environment.
import { BedrockRuntimeClient, InvokeModelCommand, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";

const bedrock = new BedrockRuntimeClient({ region: "us-east-1" });
const MODEL = "anthropic.claude-3-haiku-20240307-v1:0";

export const handler = async (event) => {
  const summary = await bedrock.send(
    new InvokeModelCommand({
      modelId: MODEL,
      contentType: "application/json",
      body: JSON.stringify({ prompt: event.text }),
    }),
  );
  const chat = await bedrock.send(
    new ConverseCommand({ modelId: process.env.CHAT_MODEL_ID, messages: [] }),
  );
  return { summary, chat };
};
