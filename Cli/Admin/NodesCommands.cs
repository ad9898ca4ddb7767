using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansAttest.Cli.Commands;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;

namespace OrleansAttest.Cli.Admin;

/// <summary><c>attestctl nodes list|get|declare|reset|revoke|delete|audit</c> against the admin API.</summary>
public static class NodesCommands
{
    public static Command Create()
    {
        var connection = new AdminConnection();
        var command = new Command("nodes", "Edge nodes on the verifier (admin API)");
        connection.AddTo(command);
        command.Subcommands.Add(List(connection));
        command.Subcommands.Add(Get(connection));
        command.Subcommands.Add(Declare(connection));
        command.Subcommands.Add(Reset(connection));
        command.Subcommands.Add(Revoke(connection));
        command.Subcommands.Add(Delete(connection));
        command.Subcommands.Add(Audit(connection));
        return command;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "the node's name" };

    private static Command List(AdminConnection connection)
    {
        var phase = new Option<string?>("--phase") { Description = "only nodes in this phase (Pending, Activated, Attested, Enrolled, Failed, Unreachable, Revoked)" };
        var limit = new Option<int?>("--limit") { Description = "show at most this many nodes (default: all, fetched in pages of up to 5000)" };
        var command = new Command("list", "List nodes sorted by name: NAME PHASE REASON POLICY LAST-ATTESTATION AGE") { phase, limit };
        command.SetAction(AdminCommandRunner.Action(connection, async (parse, client, json, cancellationToken) =>
        {
            var max = parse.GetValue(limit);
            if (max is < 1)
                throw new UnusableInputException($"--limit must be at least 1, not {max}");
            var items = new List<NodeSummary>();
            var raw = new JsonArray();
            string? next = null;
            do
            {
                int page = Math.Min(NodeDirectory.MaxListLimit, max is { } m ? m - items.Count : NodeDirectory.MaxListLimit);
                var query = new StringBuilder($"api/v1/nodes?limit={page}");
                if (parse.GetValue(phase) is { Length: > 0 } p)
                    query.Append("&phase=").Append(Uri.EscapeDataString(p));
                if (next is not null)
                    query.Append("&continue=").Append(Uri.EscapeDataString(next));
                var text = await client.SendAsync(HttpMethod.Get, query.ToString(), null, cancellationToken);
                var result = AdminClient.Deserialize<NodeListPage>(text);
                items.AddRange(result.Items);
                foreach (var item in JsonNode.Parse(text)!["items"]!.AsArray())
                    raw.Add(item!.DeepClone());
                next = result.Continue;
            }
            while (next is not null && (max is null || items.Count < max));

            if (json)
            {
                Console.WriteLine(new JsonObject { ["items"] = raw, ["continue"] = next }.ToJsonString(CliJson.Options));
                return;
            }
            var now = DateTimeOffset.UtcNow;
            var table = new TextTable("NAME", "PHASE", "REASON", "POLICY", "LAST-ATTESTATION", "AGE");
            foreach (var node in items)
            {
                var last = node.LastAttestationTime is { } t ? $"{(node.LastAttestationPassed == true ? "pass" : "fail")} {Ages.Since(t, now)} ago" : null;
                table.Add(node.Name, node.Phase.ToString(), node.ReasonCode, node.PolicyName, last, Ages.Since(node.PhaseSince, now));
            }
            table.Write(Console.Out);
            if (next is not null)
                Console.Error.WriteLine($"attestctl: more nodes follow {next}; raise --limit to see them");
        }));
        return command;
    }

    private static Command Get(AdminConnection connection)
    {
        var name = NameArgument();
        var command = new Command("get", "Show one node's status") { name };
        command.SetAction(AdminCommandRunner.Action(connection, async (parse, client, json, cancellationToken) =>
        {
            var text = await client.SendAsync(HttpMethod.Get, NodePath(parse.GetRequiredValue(name)), null, cancellationToken);
            if (json)
                PrintJson(text);
            else
                PrintStatus(AdminClient.Deserialize<EdgeNodeStatus>(text));
        }));
        return command;
    }

    private static Command Declare(AdminConnection connection)
    {
        var name = NameArgument();
        var ekHash = new Option<string?>("--ek-public-sha256") { Description = "SHA-256 (hex) of the EK's TPMT_PUBLIC, as 'attestctl tpm info' prints it" };
        var ekCertificate = new Option<FileInfo?>("--ek-certificate") { Description = "the EK certificate file (PEM or DER)" };
        var policy = new Option<string>("--policy") { Description = "the policy the node is judged by", Required = true };
        var suspend = new Option<bool>("--suspend") { Description = "declare it suspended: not polled, hello and activation refused" };
        var command = new Command("declare", "Create or update a node's declaration: its TPM (EK by hash or certificate) and policy") { name, ekHash, ekCertificate, policy, suspend };
        command.SetAction(AdminCommandRunner.Action(connection, async (parse, client, json, cancellationToken) =>
        {
            var hash = parse.GetValue(ekHash);
            var certificateFile = parse.GetValue(ekCertificate);
            if ((hash is null) == (certificateFile is null))
                throw new UnusableInputException("give exactly one of --ek-public-sha256 HEX or --ek-certificate FILE");
            var body = new JsonObject { ["policy"] = parse.GetRequiredValue(policy), ["suspend"] = parse.GetValue(suspend) };
            if (hash is not null)
                body["ekPublicSha256"] = hash;
            if (certificateFile is not null)
            {
                var bytes = InputFile.ReadBytes(certificateFile, "EK certificate");
                var text = Encoding.ASCII.GetString(bytes);
                body["ekCertificate"] = text.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal) ? text : Convert.ToBase64String(bytes);
            }
            var nodeName = parse.GetRequiredValue(name);
            var answer = await client.SendAsync(HttpMethod.Put, NodePath(nodeName), body, cancellationToken);
            if (json)
            {
                PrintJson(answer);
                return;
            }
            var status = AdminClient.Deserialize<EdgeNodeStatus>(answer);
            Console.WriteLine($"node {nodeName} declared under policy {status.PolicyName}: {status.Phase}{(status.ReasonCode is { } r ? $" ({r})" : "")}");
        }));
        return command;
    }

    private static Command Reset(AdminConnection connection)
    {
        var name = NameArgument();
        var reason = new Option<string?>("--reason") { Description = "why (kept in the node's audit)" };
        var command = new Command("reset", "Clear Failed, Unreachable or Revoked: attestation starts over from activation") { name, reason };
        command.SetAction(AdminCommandRunner.Action(connection, (parse, client, json, cancellationToken) =>
            ActAsync(client, json, parse.GetRequiredValue(name), "reset", parse.GetValue(reason), cancellationToken)));
        return command;
    }

    private static Command Revoke(AdminConnection connection)
    {
        var name = NameArgument();
        var reason = new Option<string>("--reason") { Description = "why (required; kept in the node's audit)", Required = true };
        var command = new Command("revoke", "Revoke a node: its failure actions run and nothing comes back until a reset") { name, reason };
        command.SetAction(AdminCommandRunner.Action(connection, (parse, client, json, cancellationToken) =>
            ActAsync(client, json, parse.GetRequiredValue(name), "revoke", parse.GetRequiredValue(reason), cancellationToken)));
        return command;
    }

    private static Command Delete(AdminConnection connection)
    {
        var name = NameArgument();
        var command = new Command("delete", "Delete a node's declaration and trust (its audit stays readable)") { name };
        command.SetAction(AdminCommandRunner.Action(connection, async (parse, client, json, cancellationToken) =>
        {
            var nodeName = parse.GetRequiredValue(name);
            await client.SendAsync(HttpMethod.Delete, NodePath(nodeName), null, cancellationToken);
            if (json)
                Console.WriteLine(new JsonObject { ["name"] = nodeName, ["deleted"] = true }.ToJsonString(CliJson.Options));
            else
                Console.WriteLine($"node {nodeName} deleted");
        }));
        return command;
    }

    private static Command Audit(AdminConnection connection)
    {
        var name = NameArgument();
        var max = new Option<int>("--max") { Description = "newest entries to show (1-1000)", DefaultValueFactory = _ => 100 };
        var command = new Command("audit", "A node's audit history, newest first: verdicts, transitions, operator actions") { name, max };
        command.SetAction(AdminCommandRunner.Action(connection, async (parse, client, json, cancellationToken) =>
        {
            var count = parse.GetValue(max);
            var text = await client.SendAsync(HttpMethod.Get, $"{NodePath(parse.GetRequiredValue(name))}/audit?max={count.ToString(CultureInfo.InvariantCulture)}", null, cancellationToken);
            if (json)
            {
                PrintJson(text);
                return;
            }
            var table = new TextTable("TIME", "KIND", "PHASE", "RESULT", "REASON", "DETAIL");
            foreach (var entry in AdminClient.Deserialize<AuditEntry[]>(text))
                table.Add(entry.Time.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture), entry.Kind, entry.Phase.ToString(),
                    entry.Passed switch { true => "pass", false => "fail", null => null }, entry.ReasonCode, entry.Detail);
            table.Write(Console.Out);
        }));
        return command;
    }

    private static async Task ActAsync(AdminClient client, bool json, string nodeName, string action, string? reason, CancellationToken cancellationToken)
    {
        var body = new JsonObject();
        if (reason is not null)
            body["reason"] = reason;
        var text = await client.SendAsync(HttpMethod.Post, $"{NodePath(nodeName)}/{action}", body, cancellationToken);
        if (json)
        {
            PrintJson(text);
            return;
        }
        var status = AdminClient.Deserialize<EdgeNodeStatus>(text);
        Console.WriteLine($"node {nodeName}: {action} done, now {status.Phase}{(status.ReasonCode is { } r ? $" ({r})" : "")}");
    }

    private static string NodePath(string name) => $"api/v1/nodes/{Uri.EscapeDataString(name)}";

    public static void PrintJson(string text) =>
        Console.WriteLine(text.Length == 0 ? "{}" : JsonNode.Parse(text)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    private static void PrintStatus(EdgeNodeStatus s)
    {
        var now = DateTimeOffset.UtcNow;
        var lines = new List<(string, string?)>
        {
            ("name", s.NodeName),
            ("phase", $"{s.Phase} for {Ages.Since(s.PhaseSince, now)}"),
            ("reason", s.ReasonCode),
            ("detail", s.Detail),
            ("policy", s.PolicyName),
            ("declared", s.Declared ? "yes" : "no (admitted by its EK CA, or not declared)"),
            ("EK public SHA-256", s.EkPublicSha256),
            ("AK name", s.AkName),
            ("agent connected", s.AgentConnected ? "yes" : "no"),
            ("last attestation", s.LastAttestation is { } a
                ? $"{(a.Passed ? "pass" : "fail")} {Ages.Since(a.Time, now)} ago{(a.ReasonCode is { } code ? $" ({code}: {a.Detail})" : "")}"
                : null),
            ("attestations", $"{s.Attestations} ({s.Failures} failed)"),
            ("last valid quote", s.LastSeen?.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)),
            ("next quote due", s.NextQuoteDue?.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)),
            ("TPM manufacturer", s.TpmManufacturer),
            ("reset/restart count", s.ResetCount is null ? null : $"{s.ResetCount}/{s.RestartCount}"),
            ("firmware", s.FirmwareVersion?.ToString("x", CultureInfo.InvariantCulture)),
        };
        foreach (var (key, value) in lines)
            Console.WriteLine($"{key + ":",-21}{(string.IsNullOrEmpty(value) ? "-" : value)}");
    }
}
