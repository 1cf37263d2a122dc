using System.Runtime.CompilerServices;

namespace K8Posture.ComponentTests;

internal static class TestSetup
{
    // Parallel tests block pool threads in bUnit's synchronous WaitFor*/Click calls; on a loaded 2-core runner the pool
    // grows too slowly and the renderer's dispatcher never runs the check (bUnit's own advice for this failure).
#pragma warning disable CA2255 // A test assembly, not a library: its one-time set-up belongs here.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RaiseMinThreadsAndWaitTimeout()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, Environment.ProcessorCount * 8), io);
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
    }
}
