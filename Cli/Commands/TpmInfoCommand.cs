using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Cli.Commands;

/// <summary><c>attestctl tpm info</c>: vendor, firmware, PCR banks, EK and EK certificate (validated when a CA bundle is given).</summary>
public static class TpmInfoCommand
{
    public static Command Create()
    {
        var tpm = TpmOptions.Tpm();
        var ekAlgorithm = TpmOptions.KeyAlgorithm("--ek-algorithm", "which EK to read: Rsa (template L-1, certificate at NV 0x01c00002) or Ecc (L-2, 0x01c0000a)");
        var ekCa = new Option<string?>("--ek-ca") { Description = "EK CA bundle (PEM/DER file or directory) to validate the EK certificate against" };
        var json = new Option<bool>("--json") { Description = "print JSON" };
        var command = new Command("info", "Show the TPM's vendor, firmware, PCR banks, EK and EK certificate") { tpm, ekAlgorithm, ekCa, json };
        command.SetAction((parse, cancellationToken) => TpmCommandRunner.RunAsync(async () =>
        {
            await using var client = TpmClient.Open(parse.GetRequiredValue(tpm));
            await client.StartupAsync(cancellationToken: cancellationToken);
            var info = await client.GetTpmInfoAsync(cancellationToken);
            var banks = await client.GetPcrBanksAsync(cancellationToken);
            await using var ek = await client.GetEndorsementKeyAsync(parse.GetValue(ekAlgorithm), cancellationToken);
            var certificateBytes = await client.ReadEkCertificateAsync(parse.GetValue(ekAlgorithm), cancellationToken);
            var report = new TpmInfoReport
            {
                Manufacturer = info.Manufacturer,
                VendorString = info.VendorString,
                FirmwareVersion = info.FirmwareVersion,
                PcrBanks = banks.Banks.Select(b => TpmHash.Describe(b.Hash)).ToArray(),
                EkHandle = ek.MustFlush ? "transient (created from the TCG template)" : $"0x{ek.Handle:x8}",
                EkType = ek.Public.IsRsa ? $"RSA-{ek.Public.RsaKeyBits}" : $"ECC {ek.Public.Curve}",
                EkName = Convert.ToHexStringLower(ek.Name),
                EkPublicSha256 = EkPublicHash.Compute(ek.Public),
            };
            int exitCode = ExitCodes.Ok;
            if (certificateBytes is not null)
            {
                using var certificate = X509CertificateLoader.LoadCertificate(EkCertificateLoader.Load(certificateBytes).RawData);
                report.EkCertificateIssuer = certificate.Issuer;
                report.EkCertificateNotAfter = certificate.NotAfter.ToUniversalTime().ToString("u");
                var ekCaPath = parse.GetValue(ekCa);
                if (ekCaPath is not null)
                {
                    var result = new EkCertificateValidator(EkCaBundle.Load(ekCaPath)).Validate(certificate, ek.Public);
                    report.EkCertificateValidation = result.IsValid ? "valid" : $"invalid: {result.ReasonCode}: {result.Detail}";
                    report.TpmModel = result.Device is { } device ? $"manufacturer {device.Manufacturer}, model {device.Model}, version {device.Version}" : null;
                    if (!result.IsValid)
                        exitCode = ExitCodes.Invalid;
                }
            }
            Print(report, parse.GetValue(json));
            return exitCode;
        }));
        return command;
    }

    private static void Print(TpmInfoReport report, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, CliJson.Options));
            return;
        }
        Console.WriteLine($"manufacturer:        {report.Manufacturer} ({report.VendorString})");
        Console.WriteLine($"firmware:            {report.FirmwareVersion}");
        Console.WriteLine($"PCR banks:           {string.Join(", ", report.PcrBanks)}");
        Console.WriteLine($"EK:                  {report.EkType} at {report.EkHandle}");
        Console.WriteLine($"EK name:             {report.EkName}");
        Console.WriteLine($"EK public SHA-256:   {report.EkPublicSha256}");
        Console.WriteLine($"EK certificate:      {(report.EkCertificateIssuer is null ? "none in NV" : $"issued by {report.EkCertificateIssuer}, valid until {report.EkCertificateNotAfter}")}");
        if (report.EkCertificateValidation is not null)
            Console.WriteLine($"EK cert validation:  {report.EkCertificateValidation}");
        if (report.TpmModel is not null)
            Console.WriteLine($"TPM (from the cert): {report.TpmModel}");
    }

    private sealed class TpmInfoReport
    {
        public required string Manufacturer { get; init; }
        public required string VendorString { get; init; }
        public required string FirmwareVersion { get; init; }
        public required string[] PcrBanks { get; init; }
        public required string EkHandle { get; init; }
        public required string EkType { get; init; }
        public required string EkName { get; init; }
        public required string EkPublicSha256 { get; init; }
        public string? EkCertificateIssuer { get; set; }
        public string? EkCertificateNotAfter { get; set; }
        public string? EkCertificateValidation { get; set; }
        public string? TpmModel { get; set; }
    }
}
