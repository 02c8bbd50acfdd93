using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>
/// The certificate that encrypts the key ring of the test hosts on PostgreSQL (where a node refuses to start without
/// one, as every node of a cluster must read the same keys): one password-protected PFX per test run, as an operator
/// would mount one.
/// </summary>
public static class TestKeyRing
{
    public const string Password = "a test key ring password";

    private static readonly Lazy<string> Certificate = new(() =>
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Matchmaker test key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(Path.GetTempPath(), $"matchmaker-test-key-ring-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    });

    public static string CertificatePath => Certificate.Value;

    /// <summary>The settings naming it, as environment variables (<c>DataProtection__…</c>).</summary>
    public static Dictionary<string, string> Settings => new()
    {
        ["DataProtection__CertificatePath"] = CertificatePath,
        ["DataProtection__CertificatePassword"] = Password,
    };
}
