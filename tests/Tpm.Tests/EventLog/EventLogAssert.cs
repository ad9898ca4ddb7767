using System.Globalization;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.EventLog;

/// <summary>Comparisons of our parse and replay against what tpm2_eventlog printed for the same bytes.</summary>
internal static class EventLogAssert
{
    /// <summary>Every bank and PCR tpm2_eventlog replayed, and no other, has the same value in our replay.</summary>
    public static void ReplayMatches(TpmEventLogYaml yaml, ReplayResult replay, int? exceptPcr = null)
    {
        Assert.NotEmpty(yaml.Pcrs);
        Assert.Empty(replay.Problems);
        var ours = replay.ToJsonShape();
        Assert.Equal(yaml.Pcrs.Keys.Order(), ours.Keys.Order());
        foreach (var (bank, pcrs) in yaml.Pcrs)
        {
            if (exceptPcr is { } skip)
                pcrs.Remove(skip);
            Assert.Equal(pcrs.Keys.Order(), ours[bank].Keys.Select(k => int.Parse(k, CultureInfo.InvariantCulture)).Where(k => k != exceptPcr).Order());
            foreach (var (pcr, hex) in pcrs)
                Assert.True(hex == ours[bank][pcr.ToString(CultureInfo.InvariantCulture)],
                    $"{bank} PCR {pcr}: tpm2_eventlog replays {hex}, we replay {ours[bank][pcr.ToString(CultureInfo.InvariantCulture)]}");
        }
    }

    /// <summary>Same events in the same order with the same PCR, type, digests, size and the fields tpm2_eventlog decodes.</summary>
    public static void EventsMatch(TpmEventLogYaml yaml, TcgEventLog log)
    {
        Assert.Equal(yaml.Events.Count, log.Events.Count);
        for (int i = 0; i < log.Events.Count; i++)
        {
            var expected = yaml.Events[i];
            var actual = log.Events[i];
            string where = $"event {i}";
            Assert.True(expected.PcrIndex == actual.PcrIndex, $"{where}: PCR {expected.PcrIndex} vs {actual.PcrIndex}");
            Assert.True(expected.EventType == actual.TypeName, $"{where}: type {expected.EventType} vs {actual.TypeName}");
            Assert.True(expected.EventSize == actual.Data.Length, $"{where}: size {expected.EventSize} vs {actual.Data.Length}");
            Assert.Equal(expected.Digests.Select(d => $"{d.Algorithm}:{d.Hex}"), actual.Digests.Select(d => $"{TpmHash.Describe(d.Algorithm)}:{d.Hex}"));
            Assert.False(actual.ParseNote?.StartsWith(EventDataDecoder.InternalErrorPrefix, StringComparison.Ordinal) ?? false, $"{where}: {actual.ParseNote}");
            if (expected.EventHex is { } hex)
                Assert.Equal(hex, Convert.ToHexStringLower(actual.Data));
            if (expected.StringLines is { } lines)
                Assert.Equal(TpmEventLogYaml.UnescapeStringLines(lines), actual.Data);
            if (expected.EventText is { } text)
                Assert.Equal(text, Assert.IsType<StringEvent>(actual.Detail).Text);
            FieldsMatch(where, expected.Fields, actual);
        }
    }

    private static void FieldsMatch(string where, Dictionary<string, string> fields, TcgEvent actual)
    {
        if (fields.TryGetValue("VariableName", out var guid))
        {
            var variable = Assert.IsType<UefiVariableData>(actual.Detail);
            Assert.Equal(Guid.Parse(guid), variable.VariableName);
            Assert.Equal(fields["UnicodeName"], variable.UnicodeName);
            Assert.Equal(long.Parse(fields["VariableDataLength"], CultureInfo.InvariantCulture), variable.VariableData.Length);
            if (fields.TryGetValue("VariableData", out var data))
                Assert.Equal(data, Convert.ToHexStringLower(variable.VariableData));
        }
        if (fields.TryGetValue("ImageLocationInMemory", out var location))
        {
            var image = Assert.IsType<UefiImageLoadEvent>(actual.Detail);
            Assert.Equal(ParseNumber(location), image.ImageLocationInMemory);
            Assert.Equal(ParseNumber(fields["ImageLengthInMemory"]), image.ImageLengthInMemory);
            Assert.Equal(ParseNumber(fields["ImageLinkTimeAddress"]), image.ImageLinkTimeAddress);
            Assert.Equal(ParseNumber(fields["LengthOfDevicePath"]), (ulong)image.DevicePath.Length);
            // tpm2_eventlog prints everything after the fixed fields, whatever LengthOfDevicePath says.
            Assert.Equal(fields["DevicePath"], Convert.ToHexStringLower(actual.Data.AsSpan(32)));
        }
        if (fields.TryGetValue("BlobBase", out var blobBase))
        {
            var blob = Assert.IsType<UefiFirmwareBlob>(actual.Detail);
            Assert.True(ParseNumber(blobBase) == blob.BlobBase, $"{where}: BlobBase");
            Assert.Equal(ParseNumber(fields["BlobLength"]), blob.BlobLength);
        }
    }

    private static ulong ParseNumber(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : ulong.Parse(text, CultureInfo.InvariantCulture);
}
