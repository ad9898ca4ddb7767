using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Kubernetes.Tests.Support;
using OrleansAttest.Silo.Kubernetes;

namespace OrleansAttest.Kubernetes.Tests.Models;

/// <summary>The C# models and the CRD schemas agree: a full model validates against the schema and reads back the same.</summary>
public sealed class CrdModelRoundTripTests
{
    private static JsonNode Schema(string crdFile) =>
        KubeYaml.ToJson(File.ReadAllText(crdFile))!["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;

    private static EdgeNodeResource FullEdgeNode() => new()
    {
        Metadata = new V1ObjectMeta { Name = "edge-1", Labels = new Dictionary<string, string> { ["site"] = "north" } },
        Spec = new EdgeNodeSpec { NodeName = "edge-1", EkPublicSha256 = new string('0', 64), PolicyRef = "default", Suspend = false },
        Status = new EdgeNodeResourceStatus
        {
            Phase = EdgeNodePhases.Enrolled,
            ObservedGeneration = 3,
            AkName = "000b" + new string('a', 64),
            Tpm = new EdgeNodeTpmInfo { Vendor = "IBM", Firmware = "8217.4131.22.13878" },
            LastAttestation = new EdgeNodeLastAttestation { Time = DateTimeOffset.Parse("2026-11-30T12:00:00Z"), Result = "Pass" },
            Conditions =
            [
                new() { Type = EdgeNodeConditionTypes.Attested, Status = "True", Reason = "QuotePassed", Message = "ok", ObservedGeneration = 3, LastTransitionTime = DateTimeOffset.Parse("2026-11-30T12:00:00Z") },
                new() { Type = EdgeNodeConditionTypes.CredentialsIssued, Status = "True", Reason = "Issued", Message = "bootstrap token", LastTransitionTime = DateTimeOffset.Parse("2026-11-30T12:00:01Z") },
                new() { Type = EdgeNodeConditionTypes.Reachable, Status = "Unknown", Reason = "NoAnswer", Message = "", LastTransitionTime = DateTimeOffset.Parse("2026-11-30T12:00:02Z") },
            ],
        },
    };

    private static AttestationPolicyResource FullPolicy() => new()
    {
        Metadata = new V1ObjectMeta { Name = "default" },
        Spec = new AttestationPolicySpec
        {
            QuoteInterval = "30s",
            ResponseTimeout = "10s",
            UnreachableAfter = "5m",
            PcrSelection = "sha256:0,1,2,3,4,5,6,7",
            AllowedPcrValues = new() { ["sha256:7"] = [new string('b', 64)] },
            AllowedHashes = ["sha256", "sha384"],
            AllowedSignatureSchemes = ["rsassa", "ecdsa"],
            FailureActions = ["revoke-credentials", "notify-agent", "cordon", "taint"],
            AutoRecover = false,
            AllowUnsafeClock = false,
            ClusterRoles = ["system:node"],
            MeasuredBoot = new JsonObject { ["secureBoot"] = true, ["anythingElse"] = new JsonArray(1, 2) },
        },
        Status = new AttestationPolicyResourceStatus { ObservedGeneration = 1, Version = 7 },
    };

    [Fact]
    public void A_full_edgenode_validates_against_its_crd_and_round_trips()
    {
        var json = KubernetesJson.Serialize(FullEdgeNode());
        var node = JsonNode.Parse(json)!;
        Assert.Empty(KubeSchemaValidator.Validate(node, Schema(ChartPaths.EdgeNodeCrd)));
        Assert.Empty(KubeSchemaValidator.Prune(node.DeepClone(), Schema(ChartPaths.EdgeNodeCrd)));
        var back = KubernetesJson.Deserialize<EdgeNodeResource>(json);
        Assert.Equal(json, KubernetesJson.Serialize(back));
        Assert.Equal(FullEdgeNode().Spec, back.Spec);
        Assert.Equal("IBM", back.Status!.Tpm!.Vendor);
        Assert.Equal(3, back.Status.Conditions!.Count);
        Assert.Contains("\"ekPublicSha256\"", json);
        Assert.Contains("\"lastTransitionTime\"", json);
    }

    [Fact]
    public void A_full_policy_validates_against_its_crd_and_round_trips()
    {
        var json = KubernetesJson.Serialize(FullPolicy());
        var node = JsonNode.Parse(json)!;
        Assert.Empty(KubeSchemaValidator.Validate(node, Schema(ChartPaths.AttestationPolicyCrd)));
        Assert.Empty(KubeSchemaValidator.Prune(node.DeepClone(), Schema(ChartPaths.AttestationPolicyCrd)));
        var back = KubernetesJson.Deserialize<AttestationPolicyResource>(json);
        Assert.Equal(json, KubernetesJson.Serialize(back));
        Assert.True(back.Spec.MeasuredBoot!["secureBoot"]!.GetValue<bool>());
    }

    [Fact]
    public void Every_phase_constant_is_in_the_crd_enum_and_the_grain_phases()
    {
        var schemaEnum = Schema(ChartPaths.EdgeNodeCrd)["properties"]!["status"]!["properties"]!["phase"]!["enum"]!.AsArray().Select(KubeObjects.Str).OfType<string>().ToList();
        Assert.Equal(EdgeNodePhases.All, schemaEnum);
        Assert.Equal(EdgeNodePhases.All.Order(), Enum.GetNames<OrleansAttest.Grains.Interfaces.NodePhase>().Order());
    }

    [Theory]
    [InlineData("both")]
    [InlineData("neither")]
    [InlineData("short-hex")]
    [InlineData("bad-phase")]
    [InlineData("duplicate-condition")]
    [InlineData("unknown-condition")]
    public void Models_that_break_the_schema_are_reported(string breakage)
    {
        var model = FullEdgeNode();
        switch (breakage)
        {
            case "both": model.Spec.EkCertificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"; break;
            case "neither": model.Spec.EkPublicSha256 = null; break;
            case "short-hex": model.Spec.EkPublicSha256 = "abcd"; break;
            case "bad-phase": model.Status!.Phase = "Trusted"; break;
            case "duplicate-condition": model.Status!.Conditions!.Add(model.Status.Conditions[0] with { Status = "False" }); break;
            case "unknown-condition": model.Status!.Conditions![0].Type = "Happy"; break;
        }
        var errors = KubeSchemaValidator.Validate(JsonNode.Parse(KubernetesJson.Serialize(model)), Schema(ChartPaths.EdgeNodeCrd));
        Assert.NotEmpty(errors);
    }
}
