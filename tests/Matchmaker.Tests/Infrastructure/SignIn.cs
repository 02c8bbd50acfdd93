using System.Text.RegularExpressions;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>Signs a test client in through the real sign-in page (its antiforgery token included), as a person would.</summary>
public static partial class SignIn
{
    public static async Task<HttpResponseMessage> AsDemoAsync(HttpClient client, string region, string role) =>
        await PostAsync(client, "Demo", new Dictionary<string, string> { ["region"] = region, ["role"] = role });

    public static async Task<HttpResponseMessage> WithPasswordAsync(HttpClient client, string email, string password) =>
        await PostAsync(client, "Password", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });

    /// <summary>
    /// The demo sign-in by a client without a cookie jar (as a thief or a proxy test needs it): the antiforgery cookie is
    /// carried by hand, and the answer's Set-Cookie holds the session.
    /// </summary>
    public static async Task<HttpResponseMessage> AsDemoWithoutCookieJarAsync(HttpClient client, string region, string role)
    {
        var page = await client.GetAsync("/account/sign-in");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/sign-in?handler=Demo")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["region"] = region, ["role"] = role, ["__RequestVerificationToken"] = AntiforgeryToken(await page.Content.ReadAsStringAsync()),
            }),
        };
        post.Headers.Add("Cookie", string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
        return await client.SendAsync(post);
    }

    /// <summary>The antiforgery token in a page's form.</summary>
    public static string AntiforgeryToken(string page) => AntiforgeryInput().Match(page).Groups[1].Value;

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = AntiforgeryToken(await client.GetStringAsync("/account/sign-in"));
        return await client.PostAsync($"/account/sign-in?handler={handler}", new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
