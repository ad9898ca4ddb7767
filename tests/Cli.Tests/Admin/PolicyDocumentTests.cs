using System.Text;
using OrleansAttest.Cli.Admin;
using OrleansAttest.Cli.Commands;
using OrleansAttest.Fixtures;

namespace OrleansAttest.Cli.Tests.Admin;

/// <summary>The policy files attestctl reads (JSON or YAML): typed scalars, refusals, and fuzzed input.</summary>
public sealed class PolicyDocumentTests
{
    private const string Yaml = """
        name: kiosk
        quoteInterval: "00:00:20"
        pcrSelection: sha256:0,7
        allowedPcrValues:
          sha256:7: ["aa00000000000000000000000000000000000000000000000000000000000000"]
        failureActions:
          - notify-agent
          - revoke-credentials
        autoRecover: true
        version: 3
        quoted: 'true'
        nothing: ~
        """;

    [Fact]
    public void Yaml_scalars_become_json_types_and_quoted_ones_stay_strings()
    {
        var policy = PolicyDocument.Parse(Yaml, "test");
        Assert.Equal("kiosk", (string?)policy["name"]);
        Assert.Equal("00:00:20", (string?)policy["quoteInterval"]);
        Assert.Equal("sha256:0,7", (string?)policy["pcrSelection"]);
        Assert.True((bool?)policy["autoRecover"]);
        Assert.Equal(3, (long?)policy["version"]);
        Assert.Equal("true", (string?)policy["quoted"]);
        Assert.Null(policy["nothing"]);
        Assert.Equal(2, policy["failureActions"]!.AsArray().Count);
        Assert.Equal("aa00000000000000000000000000000000000000000000000000000000000000", (string?)policy["allowedPcrValues"]!["sha256:7"]![0]);
    }

    [Theory]
    [InlineData("name: a\nname: b\n", "Duplicate key")]
    [InlineData("{\"name\": \"a\", \"name\": \"b\"}", "not valid JSON")]
    [InlineData("? [a, b]\n: c\nname: x\n", "not a plain name")]
    [InlineData("- name: a\n", "does not hold one policy object")]
    [InlineData("name: 5\n", "has no \"name\"")]
    [InlineData("", "0 documents")]
    [InlineData("name: \"\"\n", "has no \"name\"")]
    public void Bad_files_are_refused_with_a_reason(string text, string fragment)
    {
        var e = Assert.Throws<UnusableInputException>(() => PolicyDocument.Parse(text, "test file"));
        Assert.Contains(fragment, e.Message);
        Assert.True(e.Message.StartsWith("test file", StringComparison.Ordinal) || e.Message.StartsWith("the YAML", StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void An_alias_bomb_is_refused_instead_of_expanded()
    {
        var bomb = new StringBuilder("name: bomb\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 9; i++)
            bomb.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        var e = Assert.Throws<UnusableInputException>(() => PolicyDocument.Parse(bomb.ToString(), "bomb"));
        Assert.Contains("expands to more than", e.Message);
    }

    [Fact]
    public void Fuzzed_policy_files_are_parsed_or_refused_with_unusable_input_never_another_exception()
    {
        byte[][] seeds =
        [
            Encoding.UTF8.GetBytes(Yaml),
            """{"name": "kiosk", "quoteInterval": "00:00:20", "allowedPcrValues": {"sha256:7": ["aa"]}, "autoRecover": true}"""u8.ToArray(),
        ];
        var report = ParserFuzz.Run<UnusableInputException>("policy file", seeds, bytes => PolicyDocument.Parse(Encoding.UTF8.GetString(bytes), "fuzz"),
            randomCases: 1500);
        Assert.True(report.Rejected > 0 && report.Accepted > 0, report.ToString());
    }
}
