using System.Net;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Microsoft.AspNetCore.Identity;

namespace Matchmaker.Tests.Cluster;

/// <summary>
/// Guessing is counted for the whole cluster, by the client address the proxy forwarded: two nodes allow what one
/// allows. A stranger's guesses at an account keep only the stranger's address waiting, not the user elsewhere.
/// </summary>
[Trait(Lane.Name, Lane.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class ClusterThrottleTests(SharedCluster cluster)
{
    private const int FailuresPerMinute = 20;
    private const string Password = "a long enough password";

    [Fact]
    public async Task WrongPasswordsFromOneAddress_AreCountedAcrossBothNodes_AndAfterTwentyItWaits_WhileAnotherAddressDoesNot()
    {
        var (_, a, b, _) = await cluster.StartAsync();
        using var guesser = new BrowserAcrossNodes(BrowserAcrossNodes.NewAddress());
        using var neighbour = new BrowserAcrossNodes(BrowserAcrossNodes.NewAddress());

        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < FailuresPerMinute; i++)
        {
            var node = i % 2 == 0 ? a : b;
            guesses.Add((await guesser.SignInWithPasswordAsync(node, node, $"niemand-{Guid.NewGuid():N}@rijnmond.example", "wrong password")).StatusCode);
        }
        var onA = await guesser.SignInWithPasswordAsync(a, a, $"niemand-{Guid.NewGuid():N}@rijnmond.example", "wrong password");
        var onB = await guesser.SignInWithPasswordAsync(b, b, $"niemand-{Guid.NewGuid():N}@rijnmond.example", "wrong password");
        var elsewhere = await neighbour.SignInWithPasswordAsync(b, b, $"niemand-{Guid.NewGuid():N}@rijnmond.example", "wrong password");

        Assert.All(guesses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, onA.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, onB.StatusCode);
        Assert.InRange(onA.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    [Fact]
    public async Task AStrangersFiveGuessesThroughBothNodes_KeepTheStrangersAddressWaiting_ButNotTheUserAtAnotherAddress()
    {
        var (database, a, b, _) = await cluster.StartAsync();
        var email = await AddDeskUserAsync(database);
        using var stranger = new BrowserAcrossNodes(BrowserAcrossNodes.NewAddress());
        using var user = new BrowserAcrossNodes(BrowserAcrossNodes.NewAddress());

        for (var i = 0; i < AccountLockout.FreeFailures; i++)
        {
            var node = i % 2 == 0 ? a : b;
            await stranger.SignInWithPasswordAsync(node, node, email, $"wrong password {i}");
        }
        var strangerWithTheRightPassword = await stranger.SignInWithPasswordAsync(b, b, email, Password);
        var userWithTheRightPassword = await user.SignInWithPasswordAsync(a, a, email, Password);

        Assert.Equal(HttpStatusCode.OK, strangerWithTheRightPassword.StatusCode);
        Assert.Contains("Na vijf mislukte pogingen", await strangerWithTheRightPassword.Content.ReadAsStringAsync());
        Assert.False(stranger.HasSession);
        // The user's password is let through: on to the second step (a desk user enrols first), not refused.
        Assert.Equal(HttpStatusCode.Redirect, userWithTheRightPassword.StatusCode);
        Assert.Equal(Web.Pages.Account.EnrolModel.Path, userWithTheRightPassword.Headers.Location?.OriginalString.Split('?')[0]);
    }

    [Fact]
    public async Task UnknownTokensFromOneAddress_AreCountedAcrossBothNodes_ButARightTokenFromThereStillWorks()
    {
        var (_, a, b, _) = await cluster.StartAsync();
        using var guesser = new BrowserAcrossNodes(BrowserAcrossNodes.NewAddress());
        using var other = new BrowserAcrossNodes(BrowserAcrossNodes.NewAddress());

        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < FailuresPerMinute; i++)
            guesses.Add((await guesser.GetAsync(i % 2 == 0 ? a : b, "/api/v1/me", $"mm_guess_{Guid.NewGuid():N}")).StatusCode);
        var blocked = await guesser.GetAsync(b, "/api/v1/me", $"mm_guess_{Guid.NewGuid():N}");
        var right = await guesser.GetAsync(a, "/api/v1/me", DemoDataGenerator.DemoToken(Roles.Desk, MarketScenario.Region));
        var elsewhere = await other.GetAsync(a, "/api/v1/me", $"mm_guess_{Guid.NewGuid():N}");

        Assert.All(guesses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.NotNull(blocked.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
    }

    private static async Task<string> AddDeskUserAsync(TestDatabase database)
    {
        var email = $"bemiddelaar-{Guid.NewGuid():N}@rijnmond.example";
        await database.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp)
            VALUES (@id, @email, 'Bemiddelaar', 'desk', @region, NULL, @hash, false, @now, 'first')
            """, new { id = Guid.NewGuid(), email, region = MarketScenario.Region, hash = new PasswordHasher<object>().HashPassword(new object(), Password), now = DateTimeOffset.UtcNow });
        return email;
    }
}
