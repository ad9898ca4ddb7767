using System.Text;
using System.Text.Json;
using k8s;
using OrleansAttest.Fixtures;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Silo.Kubernetes;
using OrleansAttest.Silo.Kubernetes.Watching;

namespace OrleansAttest.Kubernetes.Tests.Unit;

public sealed class PolicySpecConverterTests
{
    private const string Full = """
        {"apiVersion":"edge.orleansattest.io/v1alpha1","kind":"AttestationPolicy","metadata":{"name":"p"},"spec":{
          "quoteInterval":"1m","responseTimeout":"15s","unreachableAfter":"1h30m","pcrSelection":"sha256:0,7",
          "allowedPcrValues":{"sha256:7":["aa"]},"allowedHashes":["sha384"],"allowedSignatureSchemes":["ecdsa"],
          "failureActions":["notify-agent"],"autoRecover":true,"allowUnsafeClock":true,"clusterRoles":["edge"],
          "measuredBoot":{"requireSecureBoot":true,"kernels":["bb"]}}}
        """;

    [Fact]
    public void Every_field_converts_and_unset_fields_keep_the_records_defaults()
    {
        var resource = KubernetesJson.Deserialize<AttestationPolicyResource>(Full);
        var (policy, problems) = PolicySpecConverter.Convert("p", resource.Spec);
        Assert.Empty(problems);
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(90)), (policy!.QuoteInterval, policy.ResponseTimeout, policy.UnreachableAfter));
        Assert.Equal("sha256:0,7", policy.PcrSelection);
        Assert.Equal(["aa"], policy.AllowedPcrValues["sha256:7"]);
        Assert.Equal(["sha384"], policy.AllowedHashes);
        Assert.Equal(["ecdsa"], policy.AllowedSignatureSchemes);
        Assert.Equal(["notify-agent"], policy.FailureActions);
        Assert.Equal(["edge"], policy.ClusterRoles);
        Assert.True(policy.AutoRecover && policy.AllowUnsafeClock);
        Assert.True(policy.MeasuredBoot!.RequireSecureBoot);
        Assert.Equal(["bb"], policy.MeasuredBoot.Kernels);

        var defaults = new AttestationPolicy { Name = "q" };
        var (empty, none) = PolicySpecConverter.Convert("q", new AttestationPolicySpec());
        Assert.Empty(none);
        Assert.Equal(defaults with { Name = "q", AllowedPcrValues = empty!.AllowedPcrValues, AllowedHashes = empty.AllowedHashes, AllowedSignatureSchemes = empty.AllowedSignatureSchemes, FailureActions = empty.FailureActions, ClusterRoles = empty.ClusterRoles }, empty);
        Assert.Equal(defaults.AllowedHashes, empty.AllowedHashes);
        Assert.Empty(empty.ClusterRoles);
        Assert.Equal(defaults.FailureActions, empty.FailureActions);
        Assert.Equal(defaults.QuoteInterval, empty.QuoteInterval);
    }

    [Fact]
    public void Bad_durations_unknown_measured_boot_fields_and_nulls_are_problems_not_exceptions()
    {
        var spec = new AttestationPolicySpec
        {
            QuoteInterval = "10x",
            ResponseTimeout = "5",
            FailureActions = [null!],
            MeasuredBoot = System.Text.Json.Nodes.JsonNode.Parse("""{"requireSecureBot":true}""")!.AsObject(),
        };
        var (policy, problems) = PolicySpecConverter.Convert("p", spec);
        Assert.Null(policy);
        Assert.Contains(problems, p => p.StartsWith("quoteInterval: ") && p.Contains("unknown unit 'x'"));
        Assert.Contains(problems, p => p.StartsWith("responseTimeout: "));
        Assert.Contains("failureActions contains null", problems);
        Assert.Contains(problems, p => p.StartsWith("measuredBoot cannot be read") && p.Contains("requireSecureBot"));
    }

    [Fact]
    public void Mutated_policy_objects_from_the_API_server_are_read_or_refused_never_thrown()
    {
        var report = ParserFuzz.Run<FormatException>("AttestationPolicy", [Encoding.UTF8.GetBytes(Full)], bytes =>
        {
            AttestationPolicyResource? resource;
            try
            {
                resource = KubernetesJson.Deserialize<AttestationPolicyResource>(Encoding.UTF8.GetString(bytes));
            }
            catch (JsonException e)
            {
                throw new FormatException(e.Message);
            }
            if (resource?.Spec is null)
                throw new FormatException("no spec");
            var (policy, problems) = PolicySpecConverter.Convert("p", resource.Spec);
            if (policy is null)
                throw new FormatException(string.Join("; ", problems));
        }, randomCases: 2000);
        Assert.True(report.Rejected > 0 && report.Accepted > 0, $"{report}");
    }
}
