using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Policies;

namespace OrleansAttest.Grains.Tests.Unit;

public sealed class PolicyValidatorTests
{
    private static readonly string Sha256Zero = new('0', 64);

    private static AttestationPolicy Valid => new()
    {
        Name = "edge",
        PcrSelection = "SHA256:0,1,7",
        AllowedPcrValues = new Dictionary<string, string[]> { ["SHA256:07"] = ["0x" + new string('A', 64), Sha256Zero] },
        AllowedHashes = ["SHA256"],
        AllowedSignatureSchemes = ["RSASSA", "ecdsa"],
    };

    [Fact]
    public void A_valid_policy_is_normalised()
    {
        var (problems, normalized) = PolicyValidator.Validate(Valid);
        Assert.Empty(problems);
        Assert.NotNull(normalized);
        Assert.Equal("sha256:0,1,7", normalized.PcrSelection);
        Assert.Equal([new string('a', 64), Sha256Zero], normalized.AllowedPcrValues["sha256:7"]);
        Assert.Equal(["sha256"], normalized.AllowedHashes);
        Assert.Equal(["rsassa", "ecdsa"], normalized.AllowedSignatureSchemes);
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "interval", "quoteInterval must be positive" },
        { "timeout-not-shorter", "must be shorter than quoteInterval" },
        { "interval-over-unreachable", "must not exceed unreachableAfter" },
        { "selection", "does not parse" },
        { "selection-high-pcr", "PCRs 0-23" },
        { "pin-not-quoted", "does not quote" },
        { "pin-wrong-length", "is not 64 hex digits" },
        { "pin-bad-key", "is not bank:index" },
        { "pin-empty", "lists no value" },
        { "hash", "unknown name 'md5'" },
        { "scheme", "unknown name 'rsaes'" },
        { "no-hash", "allowedHashes is empty" },
        { "action", "unknown action 'reboot'" },
        { "name", "has no name" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_policy_is_refused_with_the_problem_named(string variant, string expected)
    {
        var policy = variant switch
        {
            "interval" => Valid with { QuoteInterval = TimeSpan.Zero },
            "timeout-not-shorter" => Valid with { ResponseTimeout = TimeSpan.FromSeconds(30), QuoteInterval = TimeSpan.FromSeconds(30) },
            "interval-over-unreachable" => Valid with { QuoteInterval = TimeSpan.FromMinutes(10), UnreachableAfter = TimeSpan.FromMinutes(5) },
            "selection" => Valid with { PcrSelection = "sha256:0,x" },
            "selection-high-pcr" => Valid with { PcrSelection = "sha256:0,30", AllowedPcrValues = new Dictionary<string, string[]>() },
            "pin-not-quoted" => Valid with { AllowedPcrValues = new Dictionary<string, string[]> { ["sha256:4"] = [Sha256Zero] } },
            "pin-wrong-length" => Valid with { AllowedPcrValues = new Dictionary<string, string[]> { ["sha256:7"] = [new string('0', 40)] } },
            "pin-bad-key" => Valid with { AllowedPcrValues = new Dictionary<string, string[]> { ["pcr7"] = [Sha256Zero] } },
            "pin-empty" => Valid with { AllowedPcrValues = new Dictionary<string, string[]> { ["sha256:7"] = [] } },
            "hash" => Valid with { AllowedHashes = ["sha256", "md5"] },
            "scheme" => Valid with { AllowedSignatureSchemes = ["rsaes"] },
            "no-hash" => Valid with { AllowedHashes = [] },
            "action" => Valid with { FailureActions = ["notify-agent", "reboot"] },
            "name" => Valid with { Name = " " },
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
        var (problems, normalized) = PolicyValidator.Validate(policy);
        Assert.Null(normalized);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var (problems, _) = PolicyValidator.Validate(Valid with { QuoteInterval = TimeSpan.Zero, AllowedHashes = ["md5"], FailureActions = ["x"] });
        Assert.True(problems.Count >= 3, string.Join("; ", problems));
    }
}
