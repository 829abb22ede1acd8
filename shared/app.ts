/**
 * Facts about the app itself that several runtimes need. One place, so the keychain service name,
 * the managed-preferences domain and the packaged bundle id can never drift apart.
 */

/** The app's bundle identifier: its macOS preference domain and its own keychain service name. */
export const APP_BUNDLE_ID = 'com.maildoctor.app';
