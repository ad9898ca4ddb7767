using System.Diagnostics;

namespace OrleansAttest.Fixtures;

/// <summary>What a fuzz run did: how many inputs, how many the parser refused, how many it accepted.</summary>
public sealed record FuzzReport(string Name, int Cases, int Rejected, int Accepted, long MaxAllocatedBytes, TimeSpan Slowest);

/// <summary>
/// Deterministic mutation fuzzing for parsers of outside bytes. Each seed is truncated at many lengths, grown
/// with trailing bytes, has its possible length fields inflated, and is randomly mutated. The parser must
/// either accept the input or throw <typeparamref name="TException"/> — never another exception type, never
/// take longer than the per-case limit, never allocate more than the per-case limit (a length field must not
/// drive an allocation).
/// </summary>
public static class ParserFuzz
{
    public static FuzzReport Run<TException>(string name, IReadOnlyList<byte[]> seeds, Action<byte[]> parse,
        int randomCases = 3000, int seed = 20261130, long maxAllocatedBytesPerCase = 16 << 20, TimeSpan? maxTimePerCase = null)
        where TException : Exception
    {
        if (seeds.Count == 0)
            throw new ArgumentException("fuzzing needs at least one seed input", nameof(seeds));
        var limit = maxTimePerCase ?? TimeSpan.FromSeconds(2);
        var random = new Random(seed);
        var failures = new List<string>();
        int cases = 0, rejected = 0, accepted = 0;
        long maxAllocated = 0;
        var slowest = TimeSpan.Zero;

        void Try(string kind, byte[] input)
        {
            cases++;
            long before = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            try
            {
                parse(input);
                accepted++;
            }
            catch (TException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                if (failures.Count < 10)
                    failures.Add($"{kind}: {e.GetType().Name}: {e.Message} on input {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 96)))}{(input.Length > 96 ? "…" : "")} ({input.Length} bytes)");
            }
            watch.Stop();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            maxAllocated = Math.Max(maxAllocated, allocated);
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            if (allocated > maxAllocatedBytesPerCase && failures.Count < 10)
                failures.Add($"{kind}: allocated {allocated} bytes for a {input.Length}-byte input (limit {maxAllocatedBytesPerCase})");
            if (watch.Elapsed > limit && failures.Count < 10)
                failures.Add($"{kind}: took {watch.Elapsed.TotalMilliseconds:F0} ms for a {input.Length}-byte input (limit {limit.TotalMilliseconds} ms)");
        }

        foreach (var original in seeds)
        {
            Try("empty", []);
            // Truncation at every length for small inputs, at a spread of lengths for large ones.
            int step = Math.Max(1, original.Length / 512);
            for (int length = 0; length < original.Length; length += step)
                Try($"truncated to {length}", original[..length]);
            Try("truncated by one", original.Length > 0 ? original[..^1] : []);
            // Oversized: trailing garbage, and a large tail.
            Try("one trailing byte", [.. original, 0x00]);
            Try("trailing garbage", [.. original, .. RandomBytes(random, 64)]);
            Try("1 MiB tail", [.. original, .. new byte[1 << 20]]);
            // Inflate every possible 16- and 32-bit length field.
            int fieldStep = Math.Max(1, original.Length / 256);
            for (int at = 0; at + 2 <= original.Length; at += fieldStep)
            {
                var wide = (byte[])original.Clone();
                wide[at] = 0xFF;
                wide[at + 1] = 0xFF;
                Try($"0xFFFF at {at}", wide);
                if (at + 4 <= original.Length)
                {
                    var wider = (byte[])original.Clone();
                    wider[at] = 0x7F;
                    wider[at + 1] = wider[at + 2] = wider[at + 3] = 0xFF;
                    Try($"0x7FFFFFFF at {at}", wider);
                }
            }
        }

        for (int i = 0; i < randomCases; i++)
        {
            var mutated = Mutate(random, seeds[random.Next(seeds.Count)]);
            Try($"random mutation #{i}", mutated);
        }

        if (failures.Count > 0)
            throw new Xunit.Sdk.XunitException($"{name}: parser misbehaved on {failures.Count} of {cases} fuzz cases (first ones):\n  " + string.Join("\n  ", failures));
        return new FuzzReport(name, cases, rejected, accepted, maxAllocated, slowest);
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        var data = new List<byte>(original);
        int edits = 1 + random.Next(8);
        for (int e = 0; e < edits; e++)
        {
            int at = data.Count == 0 ? 0 : random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0 when data.Count > 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 2:
                    data.InsertRange(at, RandomBytes(random, 1 + random.Next(8)));
                    break;
                case 3 when data.Count > 0:
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(8)));
                    break;
                case 4 when data.Count > 0:
                    data[at] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00;
                    break;
                case 5 when data.Count > 1:
                    // Duplicate a chunk: repeated structures, counts that disagree with content.
                    int length = Math.Min(data.Count - at, 1 + random.Next(32));
                    data.InsertRange(random.Next(data.Count), data.GetRange(at, length));
                    break;
            }
        }
        return [.. data];
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
