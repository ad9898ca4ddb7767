using OrleansAttest.Cli.Commands;
using OrleansAttest.Cli.Policies;
using OrleansAttest.Fixtures;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Cli.Tests.Policies;

/// <summary>Policy files and PCR value files are outside input: truncated, oversized and mutated ones are refused with a message, never crash.</summary>
public sealed class PolicyDocumentFuzzTests
{
    private static readonly AttestationPolicy Sample = new()
    {
        Name = "fuzz",
        PcrSelection = "sha256:0,1,2,3,4,5,6,7,8,9",
        EventLog = EventLogRequirement.Required,
        MeasuredBoot = new MeasuredBootPolicy
        {
            RequireSecureBoot = true,
            BootApplications = [new string('a', 64), new string('b', 64)],
            Kernels = [new string('c', 64)],
            CommandLines = ["root=/dev/sda2 ro quiet"],
            DbxContains = [new string('d', 64)],
            RequireSeparators = true,
            AllowedEventTypes = ["EV_IPL", "EV_SEPARATOR"],
        },
    };

    [Fact]
    public void A_written_policy_reads_back_the_same()
    {
        var yaml = PolicyDocument.ToYaml(Sample);
        var read = PolicyDocument.Parse(System.Text.Encoding.UTF8.GetBytes(yaml), "sample.yaml");
        Assert.Equal(PolicyDocument.ToYaml(read), yaml);
        Assert.Equal(Sample.MeasuredBoot!.CommandLines, read.MeasuredBoot!.CommandLines);
        Assert.Equal(EventLogRequirement.Required, read.EventLog);
    }

    [Fact]
    public void Hostile_policy_files_are_refused_with_a_message()
    {
        var yaml = System.Text.Encoding.UTF8.GetBytes(PolicyDocument.ToYaml(Sample));
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Sample, PolicyDocument.Json);
        var report = ParserFuzz.Run<UnusableInputException>("policy file", [yaml, json], bytes => PolicyDocument.Parse(bytes, "fuzz"), randomCases: 2000);
        Assert.True(report.Rejected > report.Cases / 2, $"{report.Rejected} of {report.Cases} rejected");
        Assert.Throws<UnusableInputException>(() => PolicyDocument.Parse(
            System.Text.Encoding.UTF8.GetBytes("a: &a [x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e]\n"), "laughs"));
    }

    [Fact]
    public void Hostile_pcr_value_files_are_refused_with_a_message()
    {
        var seed = System.Text.Encoding.UTF8.GetBytes($"{{\"sha256\": {{\"0\": \"{new string('0', 64)}\", \"7\": \"{new string('1', 64)}\"}}, \"sha1\": {{\"4\": \"0x{new string('2', 40)}\"}}}}");
        ParserFuzz.Run<UnusableInputException>("PCR values file", [seed], bytes =>
        {
            string text;
            try
            {
                text = new System.Text.UTF8Encoding(false, true).GetString(bytes);
            }
            catch (System.Text.DecoderFallbackException)
            {
                throw new UnusableInputException("not UTF-8");
            }
            PcrValuesText.Parse(text, "fuzz");
        }, randomCases: 2000);
    }
}
