/// The token audiences the emulated MDE API accepts.
///
/// The real API answers **403** to a token whose `aud` is not the Defender for Endpoint resource
/// (for example a Microsoft Graph token), not 401: the token is valid, just not for this API
/// (reported in https://github.com/MicrosoftDocs/microsoft-365-docs/issues/9246). The emulator
/// issues each token for the audience that was asked for and checks it on every `/api` route, so
/// a client configured with the wrong scope fails in rehearsal as it would in production.
///
/// Accepted (compared case-insensitively, without a trailing `/`):
/// - `https://api.securitycenter.microsoft.com`: the documented resource, v2 scope
///   `https://api.securitycenter.microsoft.com/.default`
///   (https://learn.microsoft.com/en-us/defender-endpoint/api/exposed-apis-create-app-webapp).
///   mdebatch's `public` cloud preset requests it.
/// - `https://api.security.microsoft.com`: the newer API host
///   (https://learn.microsoft.com/en-us/defender-endpoint/api/exposed-apis-list). Microsoft's docs
///   tell clients to keep the legacy resource above even when calling this host, while Microsoft
///   Q&A answers suggest this one; the emulator accepts both (an assumption).
/// - `https://api-gcc.securitycenter.microsoft.us` (GCC) and `https://api-gov.securitycenter.microsoft.us`
///   (GCC High and DoD): the US Government API endpoints
///   (https://learn.microsoft.com/en-us/defender-endpoint/gov). mdebatch's `gcc`, `gcc-high` and
///   `dod` presets request them; that the token resource equals the API endpoint there is an
///   assumption (the government page lists endpoints, not token resources).
/// - `https://securitycenter.onmicrosoft.com/windowsatpservice`: the resource of an older revision
///   of the token example, still the default of several integrations.
/// - `https://api.securitycenter.windows.com`: the legacy API host, still used as a resource.
/// - `fc780465-2017-40d4-a0c5-307022471b92`: the application id of the "WindowsDefenderATP"
///   resource application (observed in public role-assignment scripts), which Entra accepts in
///   place of the application id URI (`{appId}/.default`).
enum MDEAudience {
    /// The accepted audiences, lower-cased and without a trailing `/`.
    static let accepted: Set<String> = [
        "https://api.securitycenter.microsoft.com",
        "https://api.security.microsoft.com",
        "https://api-gcc.securitycenter.microsoft.us",
        "https://api-gov.securitycenter.microsoft.us",
        "https://securitycenter.onmicrosoft.com/windowsatpservice",
        "https://api.securitycenter.windows.com",
        "fc780465-2017-40d4-a0c5-307022471b92",
    ]

    /// Whether a token for `audience` may call the MDE API.
    static func isAccepted(_ audience: String) -> Bool {
        accepted.contains(normalized(audience))
    }

    /// Lower-cased, without trailing slashes.
    static func normalized(_ audience: String) -> String {
        var text = audience.lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
