using System.Diagnostics;

namespace K8Posture.Benchmarks;

/// <summary>The process working set sampled every 20 ms from <see cref="Start"/> to <see cref="Stop"/>: the peak of one phase, not of the process.</summary>
internal sealed class WorkingSetSampler : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peak;

    private WorkingSetSampler()
    {
        using var process = Process.GetCurrentProcess();
        _peak = process.WorkingSet64;
        StartMb = Mb(_peak);
        _sampling = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                using (var current = Process.GetCurrentProcess())
                {
                    _peak = Math.Max(_peak, current.WorkingSet64);
                }
                try
                {
                    await Task.Delay(20, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    public double StartMb { get; }

    /// <summary>The peak sampled so far (a sample is up to 20 ms old).</summary>
    public double PeakSoFarMb => Mb(Interlocked.Read(ref _peak));

    public static WorkingSetSampler Start() => new();

    public double Stop()
    {
        _stop.Cancel();
        _sampling.Wait();
        return Mb(_peak);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private static double Mb(long bytes) => Math.Round(bytes / 1024d / 1024d, 1);
}
