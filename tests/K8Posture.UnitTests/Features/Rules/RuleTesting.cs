using System.Text;
using K8Posture.Features.Policy;
using K8Posture.Features.Rules;
using K8Posture.Shared;

namespace K8Posture.UnitTests.Features.Rules;

internal static class RuleTesting
{
    public static readonly PolicyEvaluator Evaluator = new(new RuleCatalogue());

    public static EvaluationResult EvaluateFixture(string relativePath, PolicyDocument? policy = null) =>
        Evaluator.Evaluate(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", relativePath)), policy ?? PolicyDocument.Default(), 0);

    public static EvaluationResult EvaluateYaml(string yaml, PolicyDocument? policy = null) =>
        Evaluator.Evaluate(Encoding.UTF8.GetBytes(yaml), policy ?? PolicyDocument.Default(), 0);

    /// <summary>A pod that meets every rule: restricted PSS, allowed registry, digest, resources, own namespace with default deny.</summary>
    public static string CompliantSet => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "manifests", "compliant-set.yaml"));
}
