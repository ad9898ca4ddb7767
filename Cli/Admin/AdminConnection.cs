using System.CommandLine;
using OrleansAttest.Cli.Commands;

namespace OrleansAttest.Cli.Admin;

/// <summary>
/// The options every admin command shares (--server, --token, --token-file, --ca, with ATTESTCTL_* environment
/// fallbacks), added recursively to one command group, and the client they make.
/// </summary>
public sealed class AdminConnection
{
    public const string DefaultServer = "https://127.0.0.1:7444";

    public Option<string> Server { get; } = new("--server")
    {
        Description = $"admin API address (env ATTESTCTL_SERVER; default {DefaultServer})",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ATTESTCTL_SERVER") is { Length: > 0 } server ? server : DefaultServer,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "bearer token (env ATTESTCTL_TOKEN); prefer --token-file, command lines are visible to other users",
        Recursive = true,
    };

    public Option<FileInfo?> TokenFile { get; } = new("--token-file")
    {
        Description = "file holding the bearer token, e.g. the server's generated admin-token (env ATTESTCTL_TOKEN_FILE)",
        Recursive = true,
    };

    public Option<FileInfo?> Ca { get; } = new("--ca")
    {
        Description = "PEM CA to trust for the server's certificate instead of the system store (env ATTESTCTL_CA)",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json") { Description = "print the server's JSON instead of a table", Recursive = true };

    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(Token);
        command.Options.Add(TokenFile);
        command.Options.Add(Ca);
        command.Options.Add(Json);
    }

    public AdminClient CreateClient(ParseResult parse)
    {
        var serverText = parse.GetValue(Server)!;
        if (!Uri.TryCreate(serverText, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
            throw new UnusableInputException($"--server '{serverText}' is not an http(s) URL");
        var ca = parse.GetValue(Ca)?.FullName ?? (Environment.GetEnvironmentVariable("ATTESTCTL_CA") is { Length: > 0 } envCa ? envCa : null);
        return new AdminClient(server, ResolveToken(parse), ServerTrust.Handler(ca));
    }

    private string ResolveToken(ParseResult parse)
    {
        var token = parse.GetValue(Token);
        var file = parse.GetValue(TokenFile);
        if (token is not null && file is not null)
            throw new UnusableInputException("give --token or --token-file, not both");
        token ??= file is null ? NonEmpty("ATTESTCTL_TOKEN") : null;
        if (token is null)
        {
            var path = file?.FullName ?? NonEmpty("ATTESTCTL_TOKEN_FILE")
                ?? throw new UnusableInputException("no admin token: pass --token-file FILE or --token TOKEN (or set ATTESTCTL_TOKEN_FILE / ATTESTCTL_TOKEN)");
            token = InputFile.ReadText(new FileInfo(path), "token").Trim();
        }
        token = token.Trim();
        if (token.Length == 0)
            throw new UnusableInputException("the admin token is empty");
        return token;
    }

    private static string? NonEmpty(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null;
}
