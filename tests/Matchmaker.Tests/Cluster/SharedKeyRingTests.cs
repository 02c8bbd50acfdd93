using System.Net;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Cluster;

/// <summary>
/// Nodes on separate machines (each process with a HOME folder of its own) share one key ring, in the database and
/// encrypted with the certificate from configuration: a cookie or a form from one node is accepted by another.
/// </summary>
[Trait(Lane.Name, Lane.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class SharedKeyRingTests(SharedCluster cluster)
{
    [Fact]
    public async Task ASignInFormLoadedFromNodeA_IsPostedToNodeB_AndTheSessionCookieFromB_IsAcceptedByA()
    {
        var (_, a, b, _) = await cluster.StartAsync();
        using var browser = new BrowserAcrossNodes(BrowserAcrossNodes.NewAddress());

        var signedIn = await browser.SignInAsync(formFrom: a, postTo: b, "Demo", new() { ["region"] = "rijnmond", ["role"] = "desk" });
        var onA = await browser.GetAsync(a, "/api/v1/me");
        var pageOnA = await browser.GetAsync(a, "/tafel");

        Assert.NotEqual(a.Home, b.Home);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.True(browser.HasSession);
        Assert.Equal(HttpStatusCode.OK, onA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, pageOnA.StatusCode);
    }

    [Fact]
    public async Task TheKeyRing_IsInTheDatabase_EncryptedWithTheConfiguredCertificate_AndNoNodeKeepsKeysAtHome()
    {
        var (database, a, b, c) = await cluster.StartAsync();
        using var browser = new BrowserAcrossNodes(BrowserAcrossNodes.NewAddress());
        await browser.GetAsync(a, "/account/sign-in");

        var keys = await database.QueryAsync<string>("SELECT xml FROM data_protection_keys");

        Assert.NotEmpty(keys);
        // An unencrypted key holds its secret in <masterKey><value>; an encrypted one only <EncryptedData>.
        Assert.All(keys, xml => Assert.Contains("EncryptedData", xml));
        Assert.All(keys, xml => Assert.DoesNotContain("<value>", xml));
        foreach (var node in new[] { a, b, c })
        {
            Assert.DoesNotContain("No XML encryptor configured", node.Output);
            Assert.False(Directory.Exists(Path.Combine(node.Home, ".aspnet", "DataProtection-Keys")), "a node kept keys in its home folder");
        }
    }
}
