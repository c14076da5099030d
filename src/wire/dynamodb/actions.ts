/**
 * Every action of the DynamoDB (2012-08-10) and DynamoDB Streams APIs. A target outside
 * these is UnknownOperationException, as DynamoDB answers; an action in them that Sluice
 * does not implement is the table service's to refuse.
 */

export const TABLE_ACTIONS: ReadonlySet<string> = new Set([
  "BatchExecuteStatement", "BatchGetItem", "BatchWriteItem", "CreateBackup", "CreateGlobalTable", "CreateTable",
  "DeleteBackup", "DeleteItem", "DeleteResourcePolicy", "DeleteTable", "DescribeBackup", "DescribeContinuousBackups",
  "DescribeContributorInsights", "DescribeEndpoints", "DescribeExport", "DescribeGlobalTable", "DescribeGlobalTableSettings",
  "DescribeImport", "DescribeKinesisStreamingDestination", "DescribeLimits", "DescribeTable", "DescribeTableReplicaAutoScaling",
  "DescribeTimeToLive", "DisableKinesisStreamingDestination", "EnableKinesisStreamingDestination", "ExecuteStatement",
  "ExecuteTransaction", "ExportTableToPointInTime", "GetItem", "GetResourcePolicy", "ImportTable", "ListBackups",
  "ListContributorInsights", "ListExports", "ListGlobalTables", "ListImports", "ListTables", "ListTagsOfResource", "PutItem",
  "PutResourcePolicy", "Query", "RestoreTableFromBackup", "RestoreTableToPointInTime", "Scan", "TagResource",
  "TransactGetItems", "TransactWriteItems", "UntagResource", "UpdateContinuousBackups", "UpdateContributorInsights",
  "UpdateGlobalTable", "UpdateGlobalTableSettings", "UpdateItem", "UpdateKinesisStreamingDestination", "UpdateTable",
  "UpdateTableReplicaAutoScaling", "UpdateTimeToLive",
]);

export const STREAMS_ACTIONS: ReadonlySet<string> = new Set(["DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"]);
