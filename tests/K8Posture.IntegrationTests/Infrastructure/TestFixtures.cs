namespace K8Posture.IntegrationTests.Infrastructure;

public static class TestFixtures
{
    public static byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", relativePath));
}
