using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OrleansAttest.Cli.Tests.Support;

namespace OrleansAttest.Cli.Tests.Admin;

/// <summary>attestctl nodes / policies as separate processes against a real admin API (HTTPS, development CA) and silo.</summary>
public sealed class AdminCommandTests(AdminCliFixture fixture) : IClassFixture<AdminCliFixture>, IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private Task<CliResult> RunAsync(params string[] arguments) => Attestctl.RunAsync(fixture.Args(arguments));

    private static string EkHash() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task Declare_list_get_revoke_reset_delete()
    {
        (await RunAsync("policies", "apply", "-f", _scratch.Write("p.json", """{"name": "cli-nodes", "quoteInterval": "00:00:30"}"""u8.ToArray())))
            .AssertExit(0);
        var declared = (await RunAsync("nodes", "declare", "cli-edge-1", "--ek-public-sha256", EkHash(), "--policy", "cli-nodes")).AssertExit(0);
        Assert.Equal(["node cli-edge-1 declared under policy cli-nodes: Pending"], declared.Lines);
        (await RunAsync("nodes", "declare", "cli-edge-2", "--ek-public-sha256", EkHash(), "--policy", "cli-nodes", "--suspend")).AssertExit(0);

        CliResult table = null!;
        await OrleansAttest.Fixtures.Cluster.Eventually.UntilAsync(async () =>
            (table = await RunAsync("nodes", "list")).Lines.Count(l => l.StartsWith("cli-edge-")) == 2, TimeSpan.FromSeconds(60), "both nodes listed");
        table.AssertExit(0);
        var header = table.Lines[0];
        Assert.Matches(@"^NAME\s+PHASE\s+REASON\s+POLICY\s+LAST-ATTESTATION\s+AGE$", header);
        var row = table.Lines.Single(l => l.StartsWith("cli-edge-1 "));
        // Aligned: every column starts where its header does.
        Assert.Equal("Pending", row[header.IndexOf("PHASE", StringComparison.Ordinal)..].Split(' ')[0]);
        Assert.Equal("cli-nodes", row[header.IndexOf("POLICY", StringComparison.Ordinal)..].Split(' ')[0]);
        Assert.Equal("-", row[header.IndexOf("REASON", StringComparison.Ordinal)..].Split(' ')[0]);
        Assert.Matches(@"^\d+s$", row[header.IndexOf("AGE", StringComparison.Ordinal)..]);

        var json = JsonNode.Parse((await RunAsync("nodes", "list", "--json", "--phase", "Pending")).AssertExit(0).StdOut)!;
        var items = json["items"]!.AsArray().Where(i => ((string?)i!["name"])!.StartsWith("cli-edge-")).ToArray();
        Assert.Equal(["cli-edge-1", "cli-edge-2"], items.Select(i => (string?)i!["name"]));
        Assert.All(items, i => Assert.Equal("Pending", (string?)i!["phase"]));
        Assert.Null(json["continue"]);

        var limited = (await RunAsync("nodes", "list", "--limit", "1")).AssertExit(0);
        Assert.Equal(2, limited.Lines.Count);
        Assert.Contains("more nodes follow", limited.StdErr);

        var get = (await RunAsync("nodes", "get", "cli-edge-1")).AssertExit(0);
        Assert.Contains(get.Lines, l => l.StartsWith("phase:") && l.Contains("Pending"));
        Assert.Contains(get.Lines, l => l.StartsWith("policy:") && l.EndsWith("cli-nodes"));
        var getJson = JsonNode.Parse((await RunAsync("nodes", "get", "cli-edge-1", "--json")).AssertExit(0).StdOut)!;
        Assert.True((bool?)getJson["declared"]);

        var revoked = (await RunAsync("nodes", "revoke", "cli-edge-1", "--reason", "lost in transit")).AssertExit(0);
        Assert.Equal(["node cli-edge-1: revoke done, now Revoked (operator-revoke)"], revoked.Lines);
        var reset = (await RunAsync("nodes", "reset", "cli-edge-1", "--reason", "found again")).AssertExit(0);
        Assert.Equal(["node cli-edge-1: reset done, now Pending (reset)"], reset.Lines);

        var audit = (await RunAsync("nodes", "audit", "cli-edge-1", "--max", "5")).AssertExit(0);
        Assert.Matches(@"^TIME\s+KIND\s+PHASE\s+RESULT\s+REASON\s+DETAIL$", audit.Lines[0]);
        Assert.Contains(audit.Lines, l => l.Contains("operator-revoke") && l.Contains("lost in transit"));
        Assert.Contains("operator-reset", audit.Lines[1]);

        Assert.Equal(["node cli-edge-1 deleted"], (await RunAsync("nodes", "delete", "cli-edge-1")).AssertExit(0).Lines);
        var gone = (await RunAsync("nodes", "get", "cli-edge-1")).AssertExit(1);
        Assert.Contains("node-deleted:", gone.StdErr);
        Assert.Contains("(HTTP 404)", gone.StdErr);
    }

    [Fact]
    public async Task Policies_apply_from_yaml_and_json_then_list_get_delete()
    {
        var yaml = _scratch.Write("kiosk.yaml", """
            # a kiosk's policy
            name: cli-kiosk
            quoteInterval: "00:00:20"
            pcrSelection: sha256:0,7
            allowedPcrValues:
              sha256:7:
                - "AA00000000000000000000000000000000000000000000000000000000000000"
            failureActions: [notify-agent]
            autoRecover: true
            """u8.ToArray());
        Assert.Equal(["policy cli-kiosk applied (version 1)"], (await RunAsync("policies", "apply", "-f", yaml)).AssertExit(0).Lines);
        var json = _scratch.Write("atm.json", """{"name": "cli-atm", "responseTimeout": "00:00:04", "allowUnsafeClock": true}"""u8.ToArray());
        Assert.Equal(["policy cli-atm applied (version 1)"], (await RunAsync("policies", "apply", "--file", json)).AssertExit(0).Lines);
        Assert.Equal(["policy cli-atm applied (version 2)"], (await RunAsync("policies", "apply", "-f", json)).AssertExit(0).Lines);

        var table = (await RunAsync("policies", "list")).AssertExit(0);
        Assert.Matches(@"^NAME\s+VERSION\s+QUOTE-INTERVAL\s+PCRS\s+PINNED\s+AUTO-RECOVER\s+FAILURE-ACTIONS$", table.Lines[0]);
        Assert.Matches(@"^cli-kiosk\s+1\s+00:00:20\s+sha256:0,7\s+1\s+yes\s+notify-agent$", table.Lines.Single(l => l.StartsWith("cli-kiosk ")));
        Assert.Matches(@"^cli-atm\s+2\s+", table.Lines.Single(l => l.StartsWith("cli-atm ")));

        var listed = JsonNode.Parse((await RunAsync("policies", "list", "--json")).AssertExit(0).StdOut)!.AsArray();
        Assert.Contains(listed, p => (string?)p!["name"] == "cli-kiosk" && (bool?)p["autoRecover"] == true);
        var kiosk = JsonNode.Parse((await RunAsync("policies", "get", "cli-kiosk")).AssertExit(0).StdOut)!;
        Assert.Equal("aa00000000000000000000000000000000000000000000000000000000000000", (string?)kiosk["allowedPcrValues"]!["sha256:7"]![0]);

        Assert.Equal(["policy cli-atm deleted"], (await RunAsync("policies", "delete", "cli-atm")).AssertExit(0).Lines);
        Assert.Contains("policy-not-found:", (await RunAsync("policies", "get", "cli-atm")).AssertExit(1).StdErr);
    }

    [Fact]
    public async Task A_refused_operation_is_exit_1_with_the_reason_code_and_sentence()
    {
        (await RunAsync("policies", "apply", "-f", _scratch.Write("p.json", """{"name": "cli-refusals"}"""u8.ToArray()))).AssertExit(0);
        (await RunAsync("nodes", "declare", "cli-refused", "--ek-public-sha256", EkHash(), "--policy", "cli-refusals")).AssertExit(0);
        var notNeeded = (await RunAsync("nodes", "reset", "cli-refused")).AssertExit(1);
        Assert.StartsWith("attestctl: reset-not-needed: node 'cli-refused' is Pending", notNeeded.StdErr);
        Assert.Contains("(HTTP 409)", notNeeded.StdErr);
        Assert.Empty(notNeeded.StdOut);

        // attestctl checks a policy file itself (the published schema, then the verifier's validation) before sending it:
        // an invalid one never reaches the server and is unusable input.
        var invalid = (await RunAsync("policies", "apply", "-f", _scratch.Write("bad.yaml", "name: cli-bad\nquoteInterval: \"-00:00:05\"\nfailureActions: [explode]\n"u8.ToArray())))
            .AssertUnusable("does not match the policy schema", "/quoteInterval", "/failureActions/0");
        Assert.Contains("policy-not-found:", (await RunAsync("policies", "get", "cli-bad")).AssertExit(1).StdErr);

        var badHash = (await RunAsync("nodes", "declare", "cli-refused-2", "--ek-public-sha256", "abc", "--policy", "p")).AssertExit(1);
        Assert.StartsWith("attestctl: declaration-invalid: ", badHash.StdErr);
        Assert.Contains("node-not-found:", (await RunAsync("nodes", "get", "cli-never-declared")).AssertExit(1).StdErr);
    }

    [Fact]
    public async Task A_wrong_or_missing_token_is_exit_2_with_a_clear_message()
    {
        var wrong = _scratch.Write("wrong-token", "not-the-token-0123456789\n"u8.ToArray());
        var refused = (await Attestctl.RunAsync("nodes", "list", "--server", fixture.Api.Host.Address.ToString(), "--ca", fixture.Api.CaPath, "--token-file", wrong))
            .AssertUnusable("refused the token (401 token-invalid");
        Assert.Contains("--token", refused.StdErr);
        (await Attestctl.RunAsync("policies", "list", "--server", fixture.Api.Host.Address.ToString(), "--ca", fixture.Api.CaPath, "--token", "also-wrong-0123456789"))
            .AssertUnusable("refused the token");
        (await Attestctl.RunAsync(null, new Dictionary<string, string> { ["ATTESTCTL_TOKEN"] = "", ["ATTESTCTL_TOKEN_FILE"] = "" },
            "nodes", "list", "--server", fixture.Api.Host.Address.ToString(), "--ca", fixture.Api.CaPath)).AssertUnusable("no admin token");
        (await RunAsync("nodes", "list", "--token", "x")).AssertUnusable("not both");
        (await Attestctl.RunAsync("nodes", "list", "--server", fixture.Api.Host.Address.ToString(), "--ca", fixture.Api.CaPath, "--token-file", _scratch.File("absent")))
            .AssertUnusable("cannot read token file");
    }

    [Fact]
    public async Task Environment_variables_stand_in_for_the_options()
    {
        var environment = new Dictionary<string, string>
        {
            ["ATTESTCTL_SERVER"] = fixture.Api.Host.Address.ToString(),
            ["ATTESTCTL_CA"] = fixture.Api.CaPath,
            ["ATTESTCTL_TOKEN_FILE"] = fixture.TokenFile,
        };
        var listed = (await Attestctl.RunAsync(null, environment, "policies", "list")).AssertExit(0);
        Assert.StartsWith("NAME", listed.Lines[0]);
    }

    [Fact]
    public async Task An_unreachable_server_or_an_untrusted_certificate_is_exit_2()
    {
        var closedPort = OrleansAttest.Fixtures.Cluster.FreeTcpPort.Next();
        (await Attestctl.RunAsync("nodes", "list", "--server", $"https://127.0.0.1:{closedPort}", "--ca", fixture.Api.CaPath, "--token-file", fixture.TokenFile))
            .AssertUnusable("cannot reach the admin API");
        // Without --ca the system store does not know the development CA.
        (await Attestctl.RunAsync(null, new Dictionary<string, string> { ["ATTESTCTL_CA"] = "" },
            "nodes", "list", "--server", fixture.Api.Host.Address.ToString(), "--token-file", fixture.TokenFile)).AssertUnusable("TLS failed");
        (await Attestctl.RunAsync("nodes", "list", "--server", "ftp://x", "--token-file", fixture.TokenFile)).AssertUnusable("not an http(s) URL");
    }

    [Fact]
    public async Task Unusable_input_is_exit_2()
    {
        (await RunAsync("nodes", "declare", "cli-x", "--policy", "p")).AssertUnusable("exactly one of --ek-public-sha256");
        (await RunAsync("nodes", "declare", "cli-x", "--policy", "p", "--ek-public-sha256", EkHash(), "--ek-certificate", "/nonexistent")).AssertUnusable("exactly one");
        (await RunAsync("nodes", "declare", "cli-x", "--policy", "p", "--ek-certificate", _scratch.File("absent.pem"))).AssertUnusable("cannot read EK certificate file");
        (await RunAsync("nodes", "revoke", "cli-x")).AssertExit(2);
        (await RunAsync("policies", "apply", "-f", _scratch.Write("noname.yaml", "quoteInterval: \"00:00:30\"\n"u8.ToArray()))).AssertUnusable("Required properties [\"name\"] are not present");
        (await RunAsync("policies", "apply", "-f", _scratch.Write("broken.yaml", "name: [unclosed\n"u8.ToArray()))).AssertUnusable("not valid YAML");
        (await RunAsync("policies", "apply", "-f", _scratch.Write("broken.json", "{\"name\": "u8.ToArray()))).AssertUnusable("not valid YAML or JSON");
        (await RunAsync("policies", "apply", "-f", _scratch.Write("two.yaml", "name: a\n---\nname: b\n"u8.ToArray()))).AssertUnusable("2 YAML documents");
        (await RunAsync("nodes", "list", "--limit", "0")).AssertUnusable("--limit must be at least 1");
    }
}
