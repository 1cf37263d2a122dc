namespace K8Posture.Features.Account;

public static class AccountRegistration
{
    public static IEndpointRouteBuilder MapAccount(this IEndpointRouteBuilder endpoints) => endpoints.MapAccountEndpoints();
}
