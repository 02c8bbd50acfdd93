using System.Net;
using System.Text.RegularExpressions;
using OtpNet;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>
/// The second step of signing in as a person does it, with an authenticator app played by Otp.NET: enrolment (the secret
/// read from the page as a person reads it), a code, a recovery code.
/// </summary>
public static partial class SecondStep
{
    public sealed record Enrolment(HttpResponseMessage Response, string Secret, IReadOnlyList<string> RecoveryCodes);

    /// <summary>The app's code for the current time step (what it shows now).</summary>
    public static string CodeNow(string secret) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow);

    /// <summary>
    /// The app's code for the next time step: accepted now (the window allows one step either side) and later than the step
    /// an enrolment or a sign-in a moment ago used, so it is no replay.
    /// </summary>
    public static string NextCode(string secret, int steps = 1) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow.AddSeconds(30 * steps));

    /// <summary>A code that is right for no step of the window.</summary>
    public static string WrongCode(string secret)
    {
        var right = Enumerable.Range(-2, 5).Select(step => NextCode(secret, step)).ToHashSet();
        return Enumerable.Range(0, 100).Select(i => ((int.Parse(right.First()) + 1 + i * 7919) % 1_000_000).ToString("D6")).First(code => !right.Contains(code));
    }

    /// <summary>On the enrolment page of a pending sign-in: reads the secret, types the app's code, returns what the page showed.</summary>
    public static async Task<Enrolment> EnrolAsync(HttpClient browser)
    {
        var page = await browser.GetStringAsync("/account/enrol");
        var secret = SecretText().Match(page).Groups[1].Value.Replace(" ", "");
        if (secret.Length == 0) throw new InvalidOperationException("The enrolment page shows no secret.");
        var response = await PostCodeAsync(browser, "/account/enrol", page, CodeNow(secret));
        var codes = RecoveryCode().Matches(await response.Content.ReadAsStringAsync()).Select(m => m.Groups[1].Value).ToList();
        return new Enrolment(response, secret, codes);
    }

    /// <summary>On the code page of a pending sign-in: types <paramref name="code"/>.</summary>
    public static async Task<HttpResponseMessage> WithCodeAsync(HttpClient browser, string code) =>
        await PostCodeAsync(browser, "/account/code", await browser.GetStringAsync("/account/code"), code);

    /// <summary>Password, then enrolment: a browser with a session, and the secret its app holds.</summary>
    public static async Task<Enrolment> SignInAndEnrolAsync(HttpClient browser, string email, string password)
    {
        var signedIn = await SignIn.WithPasswordAsync(browser, email, password);
        if (signedIn.StatusCode != HttpStatusCode.Redirect || signedIn.Headers.Location?.ToString() != "/account/enrol")
            throw new InvalidOperationException($"The password led to {(int)signedIn.StatusCode} {signedIn.Headers.Location}, not to enrolment.");
        return await EnrolAsync(browser);
    }

    private static async Task<HttpResponseMessage> PostCodeAsync(HttpClient browser, string path, string page, string code) =>
        await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Code"] = code, ["__RequestVerificationToken"] = SignIn.AntiforgeryToken(page),
        }));

    [GeneratedRegex("<code id=\"secret\">([A-Z2-7 ]+)</code>")]
    private static partial Regex SecretText();

    [GeneratedRegex("<li class=\"utrecht-unordered-list__item\"><code>([A-Z2-7]{5}-[A-Z2-7]{5})</code></li>")]
    private static partial Regex RecoveryCode();
}
