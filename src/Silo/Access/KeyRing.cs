using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Matchmaker.Silo.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Matchmaker.Silo.Access;

/// <summary>The key ring's settings cannot work; the message says which setting and what to do.</summary>
public sealed class KeyRingConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What the start-up log says about the key ring (never a secret).</summary>
public sealed record KeyRingDescription(string Text);

/// <summary>
/// One data-protection key ring for every node: keys in the database (<see cref="DatabaseKeyRepository"/>), each
/// encrypted with the certificate of <c>DataProtection:CertificatePath</c> (a PFX with
/// <c>DataProtection:CertificatePassword</c>, or a PEM certificate with its key in the same file or in
/// <c>DataProtection:KeyPath</c>), under the fixed application name "Matchmaker" so that nodes in other folders or
/// containers share it. Certificates replaced earlier stay readable through <c>DataProtection:PreviousCertificates:N:…</c>.
/// On a single node with SQLite and no certificate named, one is generated once beside the database file.
/// </summary>
public static class KeyRing
{
    public const string ApplicationName = "Matchmaker";
    public const string GeneratedCertificateFile = "key-ring-certificate.pfx";
    private const string Section = "DataProtection";

    public static IServiceCollection AddMatchmakerKeyRing(this IServiceCollection services, IConfiguration configuration, bool cluster)
    {
        var (certificate, source) = CurrentCertificate(configuration, cluster);
        var previous = configuration.GetSection($"{Section}:PreviousCertificates").GetChildren()
            .Select(entry => Load(entry, $"{Section}:PreviousCertificates:{entry.Key}")).ToArray();
        services.AddSingleton<DatabaseKeyRepository>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = provider.GetRequiredService<DatabaseKeyRepository>()));
        services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .ProtectKeysWithCertificate(certificate)
            .UnprotectKeysWithAnyCertificate([certificate, .. previous]);
        services.AddSingleton(new KeyRingDescription(
            $"Key ring: in the database, encrypted with certificate {certificate.Subject} ({certificate.Thumbprint}, {source}, valid until {certificate.NotAfter:yyyy-MM-dd})"
            + (previous.Length > 0 ? $"; {previous.Length} previous certificate(s) still read" : "")));
        return services;
    }

    private static (X509Certificate2 Certificate, string Source) CurrentCertificate(IConfiguration configuration, bool cluster)
    {
        var section = configuration.GetSection(Section);
        if (!string.IsNullOrWhiteSpace(section["CertificatePath"]))
            return (Load(section, Section), $"from {Section}:CertificatePath");
        if (cluster)
            throw new KeyRingConfigurationException(
                $"{Section}:CertificatePath is not set. In a cluster every node reads the same key ring, encrypted with one certificate that every node has: " +
                "name a PFX (with DataProtection:CertificatePassword) or a PEM file. See docs/operations.md#the-key-ring.");
        var provider = (configuration["Database:Provider"] ?? "sqlite").Trim().ToLowerInvariant();
        if (provider is not ("sqlite" or "postgres" or "postgresql"))
            Database.FromConfiguration(configuration); // throws the sentence that names a provider it does not know
        if (provider != "sqlite")
            throw new KeyRingConfigurationException(
                $"{Section}:CertificatePath is not set. On PostgreSQL the key ring lives in a database that other nodes and backups share: " +
                "name the certificate that encrypts it (a PFX with DataProtection:CertificatePassword, or a PEM file). See docs/operations.md#the-key-ring.");
        var connectionString = configuration.GetConnectionString("Matchmaker");
        var databaseFile = Database.ForSqlite(string.IsNullOrWhiteSpace(connectionString) ? Database.DefaultSqliteConnectionString : connectionString).SqliteFile;
        if (databaseFile is null || databaseFile == ":memory:" || databaseFile.StartsWith("file:", StringComparison.Ordinal))
            throw new KeyRingConfigurationException($"{Section}:CertificatePath is not set and the SQLite database has no folder to keep a generated one in.");
        var path = Path.Combine(Path.GetDirectoryName(databaseFile)!, GeneratedCertificateFile);
        return (GeneratedOnce(path), $"generated once in {path}");
    }

    /// <summary>A certificate named by <c>CertificatePath</c>, <c>CertificatePassword</c> and <c>KeyPath</c> in <paramref name="section"/>.</summary>
    private static X509Certificate2 Load(IConfiguration section, string name)
    {
        var path = section["CertificatePath"];
        var password = section["CertificatePassword"];
        var keyPath = section["KeyPath"];
        if (string.IsNullOrWhiteSpace(path))
            throw new KeyRingConfigurationException($"{name}:CertificatePath is empty.");
        if (!File.Exists(path))
            throw new KeyRingConfigurationException($"{name}:CertificatePath is '{path}', which does not exist.");
        X509Certificate2 certificate;
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            certificate = extension is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet)
                : string.IsNullOrEmpty(password)
                    ? X509Certificate2.CreateFromPemFile(path, string.IsNullOrWhiteSpace(keyPath) ? null : keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, string.IsNullOrWhiteSpace(keyPath) ? null : keyPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            // The message of a wrong password, a malformed or an unreadable file names no secret.
            throw new KeyRingConfigurationException($"{name}:CertificatePath '{path}' cannot be read ({e.Message}). Check the file, KeyPath and CertificatePassword.", e);
        }
        if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
            throw new KeyRingConfigurationException($"{name}:CertificatePath '{path}' holds no RSA private key; the key ring needs one to decrypt its keys.");
        return certificate;
    }

    /// <summary>
    /// The single node's own certificate: made on first start, kept beside the database (readable by this user only).
    /// The database and its backups then hold only encrypted keys; keep this file with the backups to read them again.
    /// </summary>
    private static X509Certificate2 GeneratedOnce(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=Matchmaker key ring (generated)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
            using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(temporary, options))
                file.Write(made.Export(X509ContentType.Pkcs12));
            try
            {
                // Two processes starting at once on one file: the first to move its certificate in wins, the other reads it.
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, null, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new KeyRingConfigurationException($"The key ring's generated certificate '{path}' cannot be read ({e.Message}). Restore it from the backup, or name one in DataProtection:CertificatePath.", e);
        }
    }
}
