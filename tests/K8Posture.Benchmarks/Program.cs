namespace K8Posture.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: K8Posture.Benchmarks <verb>");
        return 2;
    }
}
