"""Reading handler code for the AWS SDK calls it makes (`role-wizard scan`).

The readers (``python.py`` with :mod:`ast`, ``javascript.py`` with tree-sitter)
turn source text into :class:`~wizard.scan.calls.SdkCall` records named the way
botocore's service models name them; everything after that — mapping operations
to IAM actions, binding resources, writing a spec — works on those records only,
whatever language they came from.
"""
