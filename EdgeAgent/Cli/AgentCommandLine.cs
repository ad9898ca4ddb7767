using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansAttest.Tpm.Device.Keys;

namespace OrleansAttest.EdgeAgent.Cli;

/// <summary>The edge-agent command line: the options fill <see cref="AgentOptions"/> over appsettings / environment ("Agent__…").</summary>
public static class AgentCommandLine
{
    public static RootCommand Build()
    {
        // A string checked here: System.CommandLine has no Uri parser of its own.
        var gateway = new Option<string>("--gateway")
        {
            Description = "the gateway's https address, e.g. https://gateway:7443; several, comma-separated, for failover (tried in turn)",
            Required = true,
        };
        gateway.Validators.Add(result =>
        {
            foreach (var text in GatewayList(result.GetValueOrDefault<string>()))
            {
                if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                    result.AddError($"--gateway '{text}' is not an absolute https address (e.g. https://gateway:7443)");
            }
        });
        var ca = new Option<FileInfo>("--ca") { Description = "PEM file of the CA the gateway's certificate must chain to", Required = true };
        var node = new Option<string>("--node") { Description = "this device's node name", Required = true };
        var tpm = new Option<string>("--tpm") { Description = "device:/dev/tpmrm0 or swtpm:HOST:PORT", DefaultValueFactory = _ => "device:/dev/tpmrm0" };
        var stateDir = new Option<DirectoryInfo>("--state-dir") { Description = "where the AK is kept (ak.pub, ak.priv)", Required = true };
        var eventLog = new Option<string>("--event-log") { Description = "the binary TCG event log", DefaultValueFactory = _ => AgentOptions.DefaultEventLog };
        var credentialsDir = new Option<DirectoryInfo>("--credentials-dir") { Description = "where delivered credential files are written (default <state-dir>/credentials; created with mode 0700)" };
        var hook = new Option<string>("--hook") { Description = "command run with /bin/sh -c after credentials are stored or deleted (env ORLEANSATTEST_NODE, ORLEANSATTEST_CREDENTIALS_DIR, ORLEANSATTEST_EVENT, ORLEANSATTEST_REASON)" };
        var akAlgorithm = new Option<string>("--ak-algorithm") { Description = "algorithm of a new AK: rsa (RSA-2048 RSASSA-SHA256) or ecc (P-256 ECDSA-SHA256)", DefaultValueFactory = _ => "rsa" };
        akAlgorithm.AcceptOnlyFromAmong("rsa", "ecc");
        var command = new RootCommand("OrleansAttest edge agent: proves this device's boot state to the verifier through the gateway")
        {
            gateway, ca, node, tpm, stateDir, eventLog, credentialsDir, hook, akAlgorithm,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var gatewayUris = GatewayList(parse.GetValue(gateway)).Select(g => new Uri(g)).ToArray();
            var caFile = parse.GetValue(ca)!.FullName;
            var nodeName = parse.GetValue(node)!;
            var tpmUri = parse.GetValue(tpm)!;
            var stateDirectory = parse.GetValue(stateDir)!.FullName;
            var eventLogPath = parse.GetValue(eventLog)!;
            var credentialsDirectory = parse.GetValue(credentialsDir)?.FullName;
            var hookCommand = parse.GetValue(hook);
            var algorithm = parse.GetValue(akAlgorithm) == "ecc" ? TpmKeyAlgorithm.Ecc : TpmKeyAlgorithm.Rsa;
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.SectionName).Configure(o =>
            {
                o.Gateway = gatewayUris[0];
                o.AdditionalGateways = gatewayUris[1..];
                o.CaFile = caFile;
                o.NodeName = nodeName;
                o.Tpm = tpmUri;
                o.StateDirectory = stateDirectory;
                o.EventLog = eventLogPath;
                o.AkAlgorithm = algorithm;
                if (credentialsDirectory is not null)
                    o.CredentialsDirectory = credentialsDirectory;
                if (!string.IsNullOrWhiteSpace(hookCommand))
                    o.Hook = hookCommand;
            });
            builder.Services.AddHostedService<AgentWorker>();
            using var host = builder.Build();
            await host.RunAsync(cancellationToken);
            return Environment.ExitCode;
        });
        return command;
    }

    private static string[] GatewayList(string? text) =>
        text is null ? [""] : text.Split(',', StringSplitOptions.TrimEntries) is { Length: > 0 } list ? list : [""];
}
