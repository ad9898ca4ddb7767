using System.Globalization;
using System.Text.Json;
using OrleansAttest.Cli.Tests.Support;
using OrleansAttest.Fixtures;

namespace OrleansAttest.Cli.Tests.EventLogs;

/// <summary>Compares `attestctl eventlog replay --json` output with the `pcrs:` section tpm2_eventlog printed.</summary>
internal static class ReplayJson
{
    public static void AssertEqualsTpm2EventLog(TpmEventLogYaml expected, CliResult replay)
    {
        replay.AssertExit(0);
        Assert.NotEmpty(expected.Pcrs);
        using var json = JsonDocument.Parse(replay.StdOut);
        var ours = json.RootElement.EnumerateObject().ToDictionary(
            bank => bank.Name,
            bank => bank.Value.EnumerateObject().ToDictionary(p => int.Parse(p.Name, CultureInfo.InvariantCulture), p => p.Value.GetString()));
        Assert.Equal(expected.Pcrs.Keys.Order(), ours.Keys.Order());
        foreach (var (bank, pcrs) in expected.Pcrs)
        {
            Assert.Equal(pcrs.Keys.Order(), ours[bank].Keys.Order());
            foreach (var (pcr, hex) in pcrs)
                Assert.True(hex == ours[bank][pcr], $"{bank} PCR {pcr}: tpm2_eventlog replays {hex}, attestctl {ours[bank][pcr]}");
        }
    }
}
