using Hangfire.Logging;
using Hangfire.AspNetCore;

namespace K8Posture.Jobs;

/// <summary>
/// Hangfire logs through one process-wide provider, set by the last app built in the process. In production that is the
/// only app; where several apps share a process (the test suites), one that has stopped leaves a disposed logger factory
/// behind, and Hangfire's log calls from the others would throw. Those calls are dropped instead.
/// </summary>
internal sealed class DisposalTolerantLogProvider(ILoggerFactory factory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(factory);

    public ILog GetLogger(string name) => new TolerantLog(_inner, name);

    private sealed class TolerantLog(AspNetCoreLogProvider provider, string name) : ILog
    {
        private ILog? _log;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string> messageFunc, Exception? exception = null)
        {
            try
            {
                _log ??= provider.GetLogger(name);
                return _log.Log(logLevel, messageFunc, exception);
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
