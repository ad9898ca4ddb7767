namespace OrleansAttest.Cli.Tests.Support;

/// <summary>What one attestctl process did: its exit code and everything it printed.</summary>
public sealed record CliResult(IReadOnlyList<string> Arguments, int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Non-empty stdout lines, without trailing whitespace.</summary>
    public IReadOnlyList<string> Lines => StdOut.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();

    public CliResult AssertExit(int expected)
    {
        Assert.True(ExitCode == expected, $"expected exit code {expected}, got {ExitCode}\n{this}");
        // Whatever happened, attestctl answers in its own words, never with a runtime stack trace.
        Assert.DoesNotContain("Unhandled exception", StdErr);
        Assert.DoesNotContain("   at ", StdErr);
        return this;
    }

    /// <summary>verify-quote accepted: exit 0 and exactly "valid" on stdout.</summary>
    public CliResult AssertValid()
    {
        AssertExit(0);
        Assert.Equal(["valid"], Lines);
        return this;
    }

    /// <summary>A verdict of invalid: exit 1 and one "invalid: code: detail" line; returns the detail.</summary>
    public string AssertInvalid(string reasonCode)
    {
        AssertExit(1);
        var line = Assert.Single(Lines);
        Assert.True(line.StartsWith($"invalid: {reasonCode}: ", StringComparison.Ordinal), $"expected reason {reasonCode}\n{this}");
        var detail = line[$"invalid: {reasonCode}: ".Length..];
        Assert.False(string.IsNullOrWhiteSpace(detail), $"the verdict names no detail\n{this}");
        return detail;
    }

    /// <summary>Unusable input: exit 2, nothing on stdout (no verdict), and a stderr message containing each fragment.</summary>
    public CliResult AssertUnusable(params string[] stderrFragments)
    {
        AssertExit(2);
        Assert.True(StdOut.Length == 0, $"an unusable input must produce no verdict on stdout\n{this}");
        Assert.StartsWith("attestctl: ", StdErr);
        foreach (var fragment in stderrFragments)
            Assert.True(StdErr.Contains(fragment, StringComparison.Ordinal), $"stderr does not mention '{fragment}'\n{this}");
        return this;
    }

    public override string ToString() =>
        $"attestctl {string.Join(' ', Arguments)}\n  exit {ExitCode}\n  stdout: {StdOut.TrimEnd()}\n  stderr: {StdErr.TrimEnd()}";
}
