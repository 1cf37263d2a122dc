namespace K8Posture.Features.Demo;

public static class DemoSeeder
{
    public static Task<bool> SeedIfEmptyAsync(IServiceProvider services) => Task.FromResult(false);
}
