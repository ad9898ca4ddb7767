using OrleansAttest.Fixtures;
using OrleansAttest.Gateway.Admin;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Gateway.Tests.Unit;

/// <summary>The admin API's request bodies are outside bytes: parsed or refused with a sentence, never an exception.</summary>
public sealed class AdminJsonFuzzTests
{
    private sealed class Refused(string problem) : Exception(problem);

    private static void Parse(byte[] bytes)
    {
        var (body, problem) = AdminJson.ParseObject(bytes);
        if (problem is not null)
            throw new Refused(problem);
        var (_, declarationProblem) = AdminJson.ConvertCore<NodeDeclarationRequest>(body!, "a declaration");
        body!["name"] ??= "fuzzed";
        var (_, policyProblem) = AdminJson.ConvertCore<AttestationPolicy>(body, "a policy");
        if (declarationProblem is not null && policyProblem is not null)
            throw new Refused(policyProblem);
    }

    [Fact]
    public void Fuzzed_request_bodies_are_parsed_or_refused_with_a_sentence()
    {
        byte[][] seeds =
        [
            """{"policy": "kiosk", "ekPublicSha256": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "suspend": false}"""u8.ToArray(),
            """{"name": "kiosk", "quoteInterval": "00:00:20", "responseTimeout": "00:00:05", "pcrSelection": "sha256:0,7", "allowedPcrValues": {"sha256:7": ["aa"]}, "failureActions": ["notify-agent"], "autoRecover": true, "version": 4}"""u8.ToArray(),
            """{"reason": "stolen"}"""u8.ToArray(),
        ];
        var report = ParserFuzz.Run<Refused>("admin request body", seeds, Parse, randomCases: 2000);
        Assert.True(report.Rejected > 0 && report.Accepted > 0, report.ToString());
    }

    [Theory]
    [InlineData("""{"policy": "a", "policy": "b"}""", "not valid JSON")]
    [InlineData("""[{"policy": "a"}]""", "not an object")]
    [InlineData("""{"policy": "a""", "not valid JSON")]
    public void Ambiguous_or_broken_bodies_are_refused(string json, string fragment)
    {
        var (body, problem) = AdminJson.ParseObject(System.Text.Encoding.UTF8.GetBytes(json));
        Assert.Null(body);
        Assert.Contains(fragment, problem);
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        var deep = new string('[', 100) + new string(']', 100);
        var (_, problem) = AdminJson.ParseObject(System.Text.Encoding.UTF8.GetBytes("{\"a\": " + deep + "}"));
        Assert.Contains("not valid JSON", problem);
    }
}
