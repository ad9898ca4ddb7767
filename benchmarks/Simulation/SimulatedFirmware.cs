using System.Text;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Simulation;

/// <summary>
/// What a simulated device measures at every boot: events (PCR, component) extended in order into every PCR bank, each
/// as the digest of the component's UTF-8 name. Devices booting the same firmware end with the same PCR values, so a
/// policy can pin them (<see cref="AllowedPcrValues"/>), as an operator pins a golden device's values.
/// </summary>
public sealed class SimulatedFirmware
{
    private readonly (int Pcr, byte[] Component)[] _events;

    public SimulatedFirmware(string name, IEnumerable<(int Pcr, string Component)> events)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(events);
        Name = name;
        _events = events.Select(e => e.Pcr is >= 0 and < SimulatedPcrBanks.PcrCount
                ? (e.Pcr, Encoding.UTF8.GetBytes(e.Component))
                : throw new ArgumentException($"PCR {e.Pcr} of firmware '{name}' is not one of 0-{SimulatedPcrBanks.PcrCount - 1}", nameof(events)))
            .ToArray();
    }

    /// <summary>A boot that measures one component into each of PCRs 0-7 (firmware, config, option ROMs, boot loader, ...).</summary>
    public static SimulatedFirmware Golden { get; } = Standard("golden");

    public string Name { get; }

    /// <summary>The firmware <paramref name="name"/>: component "<paramref name="name"/> component i" into PCR i, for i = 0..7.</summary>
    public static SimulatedFirmware Standard(string name) =>
        new(name, Enumerable.Range(0, 8).Select(pcr => (pcr, $"{name} component {pcr}")));

    /// <summary>Extends every event into <paramref name="pcrs"/> (which the caller has just reset).</summary>
    public void MeasureInto(SimulatedPcrBanks pcrs)
    {
        ArgumentNullException.ThrowIfNull(pcrs);
        foreach (var (pcr, component) in _events)
            pcrs.Measure(pcr, component);
    }

    /// <summary>
    /// The values PCRs <paramref name="selection"/> hold right after this firmware booted, as a policy's allow list
    /// ("sha256:7" → [lower-case hex]).
    /// </summary>
    public Dictionary<string, string[]> AllowedPcrValues(PcrSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var banks = new SimulatedPcrBanks(selection.Banks.Select(b => b.Hash));
        MeasureInto(banks);
        var allowed = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (hash, pcr) in selection.InDigestOrder())
            allowed[$"{TpmHash.Describe(hash)}:{pcr}"] = [Convert.ToHexStringLower(banks.Read(hash, pcr))];
        return allowed;
    }

    public override string ToString() => $"{Name} ({_events.Length} events)";
}
