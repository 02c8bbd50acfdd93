using System.Net;
using Matchmaker.Silo.Access;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Tests.Security;

/// <summary>Which roles need a second factor is configuration (<c>Mfa:RequiredRoles</c>); what it says holds for sessions already open.</summary>
public sealed class SecondFactorSettingsTests
{
    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void RequiredRoles_DefaultToThoseWhoSeeChildrensData_AndTheOperators_AndANameThatIsNoRoleStopsTheStart()
    {
        IConfiguration Settings(string? roles) => new ConfigurationBuilder()
            .AddInMemoryCollection(roles is null ? [] : [new KeyValuePair<string, string?>("Mfa:RequiredRoles", roles)]).Build();

        var byDefault = SecondFactors.RequiredRolesOf(Settings(null));
        var none = SecondFactors.RequiredRolesOf(Settings(""));
        var mistyped = Assert.Throws<MfaConfigurationException>(() => SecondFactors.RequiredRolesOf(Settings("desk, pilot")));

        Assert.Equal(["admin", "caseworker", "desk", "network", "provider"], byDefault.Order());
        Assert.Empty(none);
        Assert.Contains("'pilot'", mistyped.Message);
    }

    [Fact, Trait(Lane.Name, Lane.Integration)]
    public async Task ASessionOpenedWithThePasswordAlone_EndsWhenTheRoleNeedsASecondFactor()
    {
        const string email = "bemiddelaar@rijnmond.example", password = "a long enough password";
        await using var database = await TestDatabase.CreateSeededAsync("sqlite");
        await database.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp)
            VALUES (@id, @email, 'Bemiddelaar', 'desk', @region, NULL, @hash, false, @now, 'first')
            """, new { id = Guid.NewGuid(), email, region = MarketScenario.Region, hash = new PasswordHasher<object>().HashPassword(new object(), password), now = DateTimeOffset.UtcNow });
        string cookie;
        await using (var withoutSecondFactor = new MatchmakerWebFactory(database))
        await using (var noRoleNeedsIt = withoutSecondFactor.WithWebHostBuilder(builder => builder.UseSetting("Mfa:RequiredRoles", "")))
        {
            var client = noRoleNeedsIt.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            var page = await client.GetAsync("/account/sign-in");
            using var post = new HttpRequestMessage(HttpMethod.Post, "/account/sign-in?handler=Password")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["Input.Email"] = email, ["Input.Password"] = password,
                    ["__RequestVerificationToken"] = SignIn.AntiforgeryToken(await page.Content.ReadAsStringAsync()),
                }),
            };
            post.Headers.Add("Cookie", string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
            var signedIn = await client.SendAsync(post);
            Assert.Equal("/tafel", signedIn.Headers.Location?.ToString());
            cookie = signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("matchmaker="));
        }
        await using var byDefault = new MatchmakerWebFactory(database);
        var browser = byDefault.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        browser.DefaultRequestHeaders.Add("Cookie", cookie);

        var round = await browser.PostAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds", null);
        var board = await browser.GetAsync("/tafel");

        Assert.Equal(HttpStatusCode.Unauthorized, round.StatusCode);
        Assert.StartsWith("http://localhost/account/sign-in", board.Headers.Location?.ToString());
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM matching_rounds"));
    }
}
