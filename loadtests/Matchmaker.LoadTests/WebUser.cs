using System.Net;
using System.Text.RegularExpressions;

namespace Matchmaker.LoadTests;

/// <summary>A person in a browser: signed in with the demo button (a cookie session), with the form tokens pages give out.</summary>
public sealed partial class WebUser : IDisposable
{
    public HttpClient Web { get; }

    private WebUser(HttpClient web) => Web = web;

    /// <summary>Signs in as the demo user of a role (national: the region only picks the button, the user has none).</summary>
    public static async Task<WebUser> SignInAsync(Uri node, string role, string region)
    {
        var web = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, MaxConnectionsPerServer = 256 })
            { BaseAddress = node, Timeout = TimeSpan.FromSeconds(60) };
        var form = await web.GetStringAsync("/account/sign-in");
        using var signIn = await web.PostAsync("/account/sign-in?handler=Demo", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["region"] = region, ["role"] = role, ["__RequestVerificationToken"] = AntiforgeryToken(form),
        }));
        if (signIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Demo sign-in as {role} of {region} answered {(int)signIn.StatusCode}.");
        return new WebUser(web);
    }

    public static string AntiforgeryToken(string page) => AntiforgeryInput().Match(page).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();

    public void Dispose() => Web.Dispose();
}
