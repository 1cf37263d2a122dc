namespace K8Posture.IntegrationTests.Features.Clusters;

/// <summary>
/// Hangfire keeps its storage in a process-wide static (JobStorage.Current): an app factory disposed by a class running in
/// parallel would dispose the in-memory storage another app is enqueueing into. Classes that enqueue or schedule jobs run
/// in this collection, alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HangfireCollection
{
    public const string Name = "Hangfire jobs";
}
