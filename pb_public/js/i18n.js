// Vigie pages: French and English texts. Elements carry data-i18n="key"
// (text) or data-i18n-placeholder="key"; t(key) serves the scripts.
"use strict";

const messages = {
  fr: {
    "app.tagline": "Documents de conformité, partagés sous contrôle.",
    "signin.title": "Connexion",
    "signin.email": "Adresse e-mail",
    "signin.password": "Mot de passe",
    "signin.submit": "Se connecter",
    "signin.failed": "Adresse e-mail ou mot de passe incorrect.",
    "nav.company": "Mon entreprise",
    "nav.signout": "Se déconnecter",
    "company.title": "Mon entreprise",
    "company.establishment": "Établissement",
    "company.siret": "SIRET",
    "company.modules": "Modules",
    "company.members": "Membres",
    "company.name": "Nom",
    "company.email": "E-mail",
    "company.profile": "Profil",
    "company.actions": "Actions",
    "company.remove": "Retirer",
    "company.add": "Ajouter un membre",
    "company.add.submit": "Ajouter",
    "company.firstName": "Prénom",
    "company.lastName": "Nom",
    "company.requests": "Demandes d'accès",
    "company.requests.none": "Aucune demande en attente.",
    "company.approve": "Accepter",
    "company.refuse": "Refuser",
    "company.request": "Demander un nouvel utilisateur",
    "company.request.submit": "Envoyer la demande",
    "company.request.sent": "Demande envoyée aux administrateurs.",
    "company.member.added": "Membre ajouté.",
    "company.saved": "Enregistré.",
    "company.notAdmin": "Seuls les administrateurs gèrent les membres. Vous pouvez demander un nouvel utilisateur.",
    "company.none": "Vous n'êtes membre d'aucun établissement.",
    "invite.title": "Choisissez votre mot de passe",
    "invite.password": "Nouveau mot de passe",
    "invite.confirm": "Confirmez le mot de passe",
    "invite.submit": "Enregistrer",
    "invite.done": "Mot de passe enregistré. Vous pouvez vous connecter.",
    "invite.mismatch": "Les deux mots de passe diffèrent.",
    "error.generic": "Une erreur est survenue.",
    "profile.admin": "Administrateur",
    "profile.full_access": "Accès complet",
    "profile.processing": "Traitement des documents",
    "profile.processing_archive": "Traitement + archive",
    "profile.feedback": "Consultation complète",
    "profile.delivery": "Dépôt de documents",
    "profile.collector": "Collecteur",
  },
  en: {
    "app.tagline": "Compliance documents, shared under control.",
    "signin.title": "Sign in",
    "signin.email": "Email address",
    "signin.password": "Password",
    "signin.submit": "Sign in",
    "signin.failed": "Wrong email address or password.",
    "nav.company": "My company",
    "nav.signout": "Sign out",
    "company.title": "My company",
    "company.establishment": "Establishment",
    "company.siret": "SIRET",
    "company.modules": "Modules",
    "company.members": "Members",
    "company.name": "Name",
    "company.email": "Email",
    "company.profile": "Profile",
    "company.actions": "Actions",
    "company.remove": "Remove",
    "company.add": "Add a member",
    "company.add.submit": "Add",
    "company.firstName": "First name",
    "company.lastName": "Last name",
    "company.requests": "Access requests",
    "company.requests.none": "No pending request.",
    "company.approve": "Approve",
    "company.refuse": "Refuse",
    "company.request": "Request a new user",
    "company.request.submit": "Send the request",
    "company.request.sent": "Request sent to the admins.",
    "company.member.added": "Member added.",
    "company.saved": "Saved.",
    "company.notAdmin": "Only admins manage members. You can request a new user.",
    "company.none": "You are not a member of any establishment.",
    "invite.title": "Choose your password",
    "invite.password": "New password",
    "invite.confirm": "Confirm the password",
    "invite.submit": "Save",
    "invite.done": "Password saved. You can sign in.",
    "invite.mismatch": "The two passwords differ.",
    "error.generic": "Something went wrong.",
    "profile.admin": "Admin",
    "profile.full_access": "Full access",
    "profile.processing": "Document processing",
    "profile.processing_archive": "Processing + archive",
    "profile.feedback": "Full feedback",
    "profile.delivery": "Document delivery",
    "profile.collector": "Collector",
  },
};

function currentLang() {
  const saved = localStorage.getItem("vigie.lang");
  if (saved && messages[saved]) return saved;
  return (navigator.language || "fr").toLowerCase().startsWith("en") ? "en" : "fr";
}

function t(key) {
  return messages[currentLang()][key] || messages.fr[key] || key;
}

function applyI18n(root = document) {
  document.documentElement.lang = currentLang();
  root.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
}

function setLang(lang) {
  localStorage.setItem("vigie.lang", lang);
  applyI18n();
  document.dispatchEvent(new CustomEvent("vigie:lang"));
}

document.addEventListener("DOMContentLoaded", () => {
  applyI18n();
  document.querySelectorAll("[data-lang]").forEach((b) => b.addEventListener("click", () => setLang(b.dataset.lang)));
});
