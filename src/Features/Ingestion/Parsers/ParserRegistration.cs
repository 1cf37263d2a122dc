namespace K8Posture.Features.Ingestion.Parsers;

public static class ParserRegistration
{
    /// <summary>
    /// Registers the SARIF, Grype, kube-bench, Kubescape, trivy k8s, Trivy Operator and PolicyReport parsers. Call after <see cref="IngestionRegistration.AddIngestion"/>
    /// so Trivy JSON is tried first; the content sniffs do not overlap, so the order among these does not matter.
    /// </summary>
    public static IServiceCollection AddAdditionalScanParsers(this IServiceCollection services)
    {
        services.AddScanParser<SarifParser>();
        services.AddScanParser<GrypeJsonParser>();
        services.AddScanParser<KubeBenchParser>();
        services.AddScanParser<KubescapeParser>();
        services.AddScanParser<TrivyK8sParser>();
        services.AddScanParser<TrivyOperatorParser>();
        services.AddScanParser<PolicyReportParser>();
        return services;
    }
}
