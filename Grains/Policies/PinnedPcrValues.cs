using System.Runtime.CompilerServices;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Policies;

/// <summary>
/// A policy's <c>allowedPcrValues</c> decoded once per policy object (ordered by key, allowed digests as bytes), so a
/// verdict compares bytes instead of formatting and sorting strings on every quote (the evaluator was the largest
/// allocator on the verdict path, benchmarks/README.md "Fleet"). Entries that cannot be read keep their problem: the
/// evaluator fails closed on them exactly as before.
/// </summary>
public sealed class PinnedPcrValues
{
    private static readonly ConditionalWeakTable<AttestationPolicy, PinnedPcrValues> Compiled = new();

    private PinnedPcrValues(IReadOnlyList<Pin> pins, string passDetail)
    {
        Pins = pins;
        PassDetail = passDetail;
    }

    /// <summary>Pins in ordinal key order.</summary>
    public IReadOnlyList<Pin> Pins { get; }

    /// <summary>The verdict detail when every pin holds.</summary>
    public string PassDetail { get; }

    /// <summary>The decoded pins of <paramref name="policy"/>, built on first use and kept as long as the policy object lives.</summary>
    public static PinnedPcrValues For(AttestationPolicy policy) => Compiled.GetValue(policy, Compile);

    private static PinnedPcrValues Compile(AttestationPolicy policy)
    {
        var pins = new List<Pin>();
        foreach (var (key, allowed) in policy.AllowedPcrValues.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!PolicyValidator.TryParsePcrKey(key, out var bank, out var index, out var problem))
            {
                pins.Add(new Pin(default, 0, key, [], [], problem));
                continue;
            }
            var values = allowed ?? [];
            pins.Add(new Pin(bank, index, $"{TpmHash.Describe(bank)}:{index}", [.. values.Select(Decode).OfType<byte[]>()], values, null));
        }
        var detail = pins.Count == 0
            ? $"policy '{policy.Name}' pins no PCR value"
            : $"all {pins.Count} PCR values pinned by policy '{policy.Name}' are allowed";
        return new PinnedPcrValues(pins, detail);
    }

    /// <summary>An allowed value as bytes; null when it is not hex (such a value can never match a digest).</summary>
    private static byte[]? Decode(string? value)
    {
        try
        {
            return value is null ? null : Convert.FromHexString(value.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <param name="Problem">Why the key cannot be applied; null for a usable pin.</param>
    public sealed record Pin(TpmAlgorithm Bank, int Index, string Name, byte[][] Allowed, string?[] AllowedText, string? Problem)
    {
        public bool Allows(ReadOnlySpan<byte> digest)
        {
            foreach (var value in Allowed)
                if (digest.SequenceEqual(value))
                    return true;
            return false;
        }
    }
}
