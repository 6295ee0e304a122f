/// The release of this package: what `trustedpath --version` and `trustedpathd --version`
/// print. Kept here, below both executables, so the two can never disagree.
public enum TrustedPathVersion {
    public static let current = "0.11.0"
}
