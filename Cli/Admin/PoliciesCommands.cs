using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansAttest.Cli.Commands;
using OrleansAttest.Cli.Policies;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Cli.Admin;

/// <summary><c>attestctl policies list|get|apply|delete</c> against the admin API.</summary>
public static class PoliciesCommands
{
    public static Command Create()
    {
        var connection = new AdminConnection();
        var command = new Command("policies", "Attestation policies on the verifier (admin API)");
        connection.AddTo(command);
        command.Subcommands.Add(List(connection));
        command.Subcommands.Add(Get(connection));
        command.Subcommands.Add(Apply(connection));
        command.Subcommands.Add(Delete(connection));
        return command;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "the policy's name" };

    private static Command List(AdminConnection connection)
    {
        var command = new Command("list", "List policies: NAME VERSION QUOTE-INTERVAL PCRS PINNED AUTO-RECOVER FAILURE-ACTIONS");
        command.SetAction(AdminCommandRunner.Action(connection, async (_, client, json, cancellationToken) =>
        {
            var text = await client.SendAsync(HttpMethod.Get, "api/v1/policies", null, cancellationToken);
            if (json)
            {
                NodesCommands.PrintJson(text);
                return;
            }
            var table = new TextTable("NAME", "VERSION", "QUOTE-INTERVAL", "PCRS", "PINNED", "AUTO-RECOVER", "FAILURE-ACTIONS");
            foreach (var policy in AdminClient.Deserialize<AttestationPolicy[]>(text))
                table.Add(policy.Name, policy.Version.ToString(), policy.QuoteInterval.ToString(), policy.PcrSelection,
                    policy.AllowedPcrValues.Count.ToString(), policy.AutoRecover ? "yes" : "no", string.Join(",", policy.FailureActions));
            table.Write(Console.Out);
        }));
        return command;
    }

    private static Command Get(AdminConnection connection)
    {
        var name = NameArgument();
        var command = new Command("get", "Print one policy (JSON)") { name };
        command.SetAction(AdminCommandRunner.Action(connection, async (parse, client, _, cancellationToken) =>
            NodesCommands.PrintJson(await client.SendAsync(HttpMethod.Get, PolicyPath(parse.GetRequiredValue(name)), null, cancellationToken))));
        return command;
    }

    private static Command Apply(AdminConnection connection)
    {
        var file = new Option<FileInfo>("--file", "-f") { Description = "a JSON or YAML file holding one AttestationPolicy with its name", Required = true };
        var command = new Command("apply", "Create or replace a policy from a file; an invalid one is refused with every problem named") { file };
        command.SetAction(AdminCommandRunner.Action(connection, async (parse, client, json, cancellationToken) =>
        {
            // The same reading as `policy check`: the published schema, then the verifier's own validation.
            var path = parse.GetRequiredValue(file);
            var policy = PolicyDocument.Parse(InputFile.ReadBytes(path, "policy"), $"policy file '{path.FullName}'");
            var body = JsonSerializer.SerializeToNode(policy, PolicyDocument.Json);
            var text = await client.SendAsync(HttpMethod.Put, PolicyPath(policy.Name), body, cancellationToken);
            if (json)
            {
                NodesCommands.PrintJson(text);
                return;
            }
            var stored = AdminClient.Deserialize<AttestationPolicy>(text);
            Console.WriteLine($"policy {stored.Name} applied (version {stored.Version})");
        }));
        return command;
    }

    private static Command Delete(AdminConnection connection)
    {
        var name = NameArgument();
        var command = new Command("delete", "Delete a policy (nodes under it are refused until it exists again)") { name };
        command.SetAction(AdminCommandRunner.Action(connection, async (parse, client, json, cancellationToken) =>
        {
            var policyName = parse.GetRequiredValue(name);
            await client.SendAsync(HttpMethod.Delete, PolicyPath(policyName), null, cancellationToken);
            if (json)
                Console.WriteLine(new JsonObject { ["name"] = policyName, ["deleted"] = true }.ToJsonString());
            else
                Console.WriteLine($"policy {policyName} deleted");
        }));
        return command;
    }

    private static string PolicyPath(string name) => $"api/v1/policies/{Uri.EscapeDataString(name)}";
}
