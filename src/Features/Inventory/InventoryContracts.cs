namespace K8Posture.Features.Inventory;

/// <summary>The query parameters of <c>POST /api/v1/ingest/inventory</c>.</summary>
public sealed record InventoryPushOptions(string? Format = null, string? Team = null, string? Pipeline = null);

/// <summary>Exposure findings the push changed (cloud cluster lists only).</summary>
public sealed record InventoryFindingCounts(int Created, int Updated, int Unchanged, int Closed, int Reopened);

/// <summary>What an inventory push did.</summary>
public sealed record InventoryOutcome(
    long BatchId,
    string Status,
    string Format,
    int Examined,
    int Ignored,
    int RecordsCreated,
    int RecordsUpdated,
    int ClustersMatched,
    int ClustersDiscovered,
    int EndpointsMatched,
    int EndpointsDiscovered,
    int Desktops,
    int EgressPulls,
    int EgressDuplicates,
    InventoryFindingCounts Findings);
