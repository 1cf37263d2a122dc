using K8Posture.Data;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace K8Posture.Security;

/// <summary>Binds the data scope to the user of an HTTP request.</summary>
internal sealed class DataScopeMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, DataScope scope)
    {
        scope.SetUser(context.User);
        return next(context);
    }
}

/// <summary>Binds the data scope of a Blazor circuit to its user, and keeps it bound when the authentication state changes.</summary>
internal sealed class DataScopeCircuitHandler(AuthenticationStateProvider authentication, DataScope scope) : CircuitHandler, IDisposable
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authentication.AuthenticationStateChanged += OnAuthenticationChanged;
        var state = await authentication.GetAuthenticationStateAsync();
        scope.SetUser(state.User);
    }

    private void OnAuthenticationChanged(Task<AuthenticationState> task) =>
        _ = task.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                scope.SetUser(t.Result.User);
            }
        }, TaskScheduler.Default);

    public void Dispose() => authentication.AuthenticationStateChanged -= OnAuthenticationChanged;
}
