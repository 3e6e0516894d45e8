// SDK v2 in a class: this.db and this.kms set in the constructor.
const AWS = require("aws-sdk");

class Store {
  constructor() {
    this.db = new AWS.DynamoDB.DocumentClient({ convertEmptyValues: true });
    this.kms = new AWS.KMS();
    this.table = process.env.STORE_TABLE;
  }

  async put(item) {
    const { CiphertextBlob } = await this.kms
      .encrypt({ KeyId: "alias/store-data", Plaintext: JSON.stringify(item) })
      .promise();
    await this.db.put({ TableName: this.table, Item: { id: item.id, blob: CiphertextBlob } }).promise();
  }

  async remove(id) {
    await this.db.delete({ TableName: this.table, Key: { id } }).promise();
  }
}

const store = new Store();
exports.handler = async (event) => (event.delete ? store.remove(event.id) : store.put(event));
