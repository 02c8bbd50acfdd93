using System.Text.RegularExpressions;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>Signs a test client in through the real sign-in page (its antiforgery token included), as a person would.</summary>
public static partial class SignIn
{
    public static async Task<HttpResponseMessage> AsDemoAsync(HttpClient client, string region, string role) =>
        await PostAsync(client, "Demo", new Dictionary<string, string> { ["region"] = region, ["role"] = role });

    public static async Task<HttpResponseMessage> WithPasswordAsync(HttpClient client, string email, string password) =>
        await PostAsync(client, "Password", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, Dictionary<string, string> form)
    {
        var page = await client.GetStringAsync("/account/sign-in");
        form["__RequestVerificationToken"] = AntiforgeryInput().Match(page).Groups[1].Value;
        return await client.PostAsync($"/account/sign-in?handler={handler}", new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
