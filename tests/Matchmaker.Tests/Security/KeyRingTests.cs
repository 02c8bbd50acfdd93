using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Matchmaker.Silo.Access;
using Matchmaker.Tests.Cluster;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaker.Tests.Security;

/// <summary>
/// The key ring's certificate comes from configuration; a setting that cannot work stops the start with a sentence that
/// names it. A single node on SQLite makes its own certificate, beside the database, and keeps its sessions across a restart.
/// </summary>
public sealed class KeyRingTests
{
    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void InACluster_WithoutACertificate_TheNodeRefusesToStart_NamingTheSetting()
    {
        var failure = Assert.Throws<KeyRingConfigurationException>(() => Add(new() { ["Database:Provider"] = "sqlite" }, cluster: true));

        Assert.Contains("DataProtection:CertificatePath", failure.Message);
    }

    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void OnPostgres_WithoutACertificate_TheNodeRefusesToStart_NamingTheSetting()
    {
        var failure = Assert.Throws<KeyRingConfigurationException>(() => Add(new() { ["Database:Provider"] = "postgres" }, cluster: false));

        Assert.Contains("DataProtection:CertificatePath", failure.Message);
    }

    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void AnUnknownDatabaseProvider_IsNamedAsSuch_NotAsAMissingCertificate()
    {
        var failure = Assert.Throws<Silo.Data.DatabaseConfigurationException>(() => Add(new() { ["Database:Provider"] = "mysql" }, cluster: false));

        Assert.Contains("'mysql'", failure.Message);
    }

    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void AWrongPassword_AMissingFile_OrACertificateWithoutItsKey_AreRefused_WithoutRepeatingThePassword()
    {
        var withoutKey = Path.Combine(Path.GetTempPath(), $"matchmaker-test-public-{Guid.NewGuid():N}.pem");
        File.WriteAllText(withoutKey, X509CertificateLoader.LoadPkcs12FromFile(TestKeyRing.CertificatePath, TestKeyRing.Password).ExportCertificatePem());
        try
        {
            var wrongPassword = Assert.Throws<KeyRingConfigurationException>(() => Add(new()
            {
                ["DataProtection:CertificatePath"] = TestKeyRing.CertificatePath, ["DataProtection:CertificatePassword"] = "guessed-secret",
            }, cluster: true));
            var missing = Assert.Throws<KeyRingConfigurationException>(() => Add(new() { ["DataProtection:CertificatePath"] = "/nowhere/key-ring.pfx" }, cluster: true));
            var publicOnly = Assert.Throws<KeyRingConfigurationException>(() => Add(new() { ["DataProtection:CertificatePath"] = withoutKey }, cluster: true));

            Assert.DoesNotContain("guessed-secret", wrongPassword.Message);
            Assert.Contains("does not exist", missing.Message);
            Assert.Contains(withoutKey, publicOnly.Message);
        }
        finally
        {
            File.Delete(withoutKey);
        }
    }

    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void APemCertificateWithItsKeyInASecondFile_IsAccepted()
    {
        var folder = Directory.CreateTempSubdirectory("matchmaker-test-pem-").FullName;
        try
        {
            using var rsa = RSA.Create(2048);
            using var certificate = new CertificateRequest("CN=Matchmaker PEM test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(Path.Combine(folder, "key-ring.crt"), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(folder, "key-ring.key"), rsa.ExportPkcs8PrivateKeyPem());

            var description = Add(new()
            {
                ["DataProtection:CertificatePath"] = Path.Combine(folder, "key-ring.crt"), ["DataProtection:KeyPath"] = Path.Combine(folder, "key-ring.key"),
            }, cluster: true);

            Assert.Contains(certificate.Thumbprint, description);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void OnASingleSqliteNode_WithoutACertificate_OneIsMadeOnceBesideTheDatabase_ReadableByItsOwnerOnly()
    {
        var folder = Directory.CreateTempSubdirectory("matchmaker-test-generated-").FullName;
        try
        {
            var settings = new Dictionary<string, string?> { ["ConnectionStrings:Matchmaker"] = $"Data Source={Path.Combine(folder, "matchmaker.db")}" };

            var first = Add(settings, cluster: false);
            var second = Add(settings, cluster: false);

            var file = Path.Combine(folder, KeyRing.GeneratedCertificateFile);
            Assert.True(File.Exists(file));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(first, second);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact, Trait(Lane.Name, Lane.Integration)]
    public async Task ASingleSqliteNode_WithoutACertificate_EncryptsItsKeys_AndASessionOutlivesARestartInAnotherHomeFolder()
    {
        await using var seeded = await TestDatabase.CreateSeededAsync("sqlite");
        var folder = Directory.CreateTempSubdirectory("matchmaker-test-single-node-").FullName;
        var file = Path.Combine(folder, "matchmaker.db");
        await seeded.ExecuteAsync("VACUUM INTO @file", new { file });
        // As `dotnet run` starts it: a database in a folder of its own and no certificate named.
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Matchmaker"] = $"Data Source={file}", ["DataProtection__CertificatePath"] = "", ["DataProtection__CertificatePassword"] = "",
        };
        using var browser = new BrowserAcrossNodes(BrowserAcrossNodes.NewAddress());
        try
        {
            string firstOutput;
            HttpStatusCode signedIn;
            await using (var first = await WebNode.StartAsync(seeded, settings))
            {
                signedIn = (await browser.SignInAsync(first, first, "Demo", new() { ["region"] = "rijnmond", ["role"] = "desk" })).StatusCode;
                firstOutput = first.Output;
            }
            await using var second = await WebNode.StartAsync(seeded, settings);

            var afterRestart = await browser.GetAsync(second, "/api/v1/me");
            await using var database = Silo.Data.Database.ForSqlite($"Data Source={file}");
            await using var connection = await database.OpenAsync();
            var keys = (await Dapper.SqlMapper.QueryAsync<string>(connection, "SELECT xml FROM data_protection_keys")).ToList();

            Assert.Equal(HttpStatusCode.Redirect, signedIn);
            Assert.Equal(HttpStatusCode.OK, afterRestart.StatusCode);
            Assert.True(File.Exists(Path.Combine(folder, KeyRing.GeneratedCertificateFile)));
            Assert.NotEmpty(keys);
            Assert.All(keys, xml => Assert.Contains("EncryptedData", xml));
            Assert.DoesNotContain("No XML encryptor configured", firstOutput + second.Output);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Add(Dictionary<string, string?> settings, bool cluster)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddMatchmakerKeyRing(configuration, cluster).BuildServiceProvider();
        return provider.GetRequiredService<KeyRingDescription>().Text;
    }
}
