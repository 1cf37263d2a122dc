using System.Text;
using K8Posture.Features.Policy;
using K8Posture.Features.Rules;

namespace K8Posture.UnitTests.Features.Rules;

internal static class RuleTesting
{
    public static readonly PolicyEvaluator Evaluator = new(new RuleCatalogue());

    public static EvaluationResult EvaluateFixture(string relativePath, PolicyDocument? policy = null) =>
        Evaluator.Evaluate(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", relativePath)), policy ?? PolicyDocument.Default(), 0);

    public static EvaluationResult EvaluateYaml(string yaml, PolicyDocument? policy = null) =>
        Evaluator.Evaluate(Encoding.UTF8.GetBytes(yaml), policy ?? PolicyDocument.Default(), 0);

    /// <summary>A pod that meets every rule: restricted PSS, allowed registry, digest, resources, own namespace with default deny.</summary>
    public const string CompliantSet = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: payments
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: default-deny
          namespace: payments
        spec:
          podSelector: {}
          policyTypes: [Ingress, Egress]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: api
          namespace: payments
        spec:
          serviceAccountName: api
          automountServiceAccountToken: false
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
            seccompProfile:
              type: RuntimeDefault
          containers:
          - name: api
            image: mcr.microsoft.com/dotnet/aspnet:8.0@sha256:0f2f2c2e5ab5d6a7d3f4c8e1b2a3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5
            securityContext:
              allowPrivilegeEscalation: false
              readOnlyRootFilesystem: true
              capabilities:
                drop: [ALL]
            resources:
              requests: {cpu: 100m, memory: 128Mi}
              limits: {cpu: 500m, memory: 256Mi}
        """;
}
