package notify

// Kinds of notification, each with a French and an English text. Templates
// use text/template syntax over the message's Vars.
const (
	KindInvitation        = "invitation"
	KindMemberAdded       = "member_added"
	KindMemberInvited     = "member_invited"  // an existing user asked to join (S9)
	KindContactInvited    = "contact_invited" // a supplier's first contact, new to Vigie, asked to join (S10)
	KindAccessRequested   = "access_requested"
	KindAccessApproved    = "access_approved"
	KindAccessRefused     = "access_refused"
	KindProfileToReview   = "profile_to_review"
	KindSupplierAdded     = "supplier_added"
	KindSupplierClosed    = "supplier_closed" // the registry says a supplier under contract closed (V9)
	KindDocumentReminder  = "document_reminder"
	KindReminderEscalated = "reminder_escalated" // reminders without effect, told to the customer (V7)
	KindShareLink         = "share_link"
	KindShareOpened       = "share_opened"
	KindShareAccepted     = "share_accepted"
	KindComplianceDigest  = "compliance_digest"

	// Notices of credential changes (OWASP ASVS 2.2.3, 2.5.5, 2.8.5): no
	// secret, the time, and what to do if it was not the holder.
	KindPasswordChanged = "security_password_changed"
	KindEmailChanged    = "security_email_changed"
	KindTOTPEnabled     = "security_totp_enabled"
	KindTOTPDisabled    = "security_totp_disabled"
	KindTOTPReplayed    = "security_totp_replayed" // a code already used was presented
	KindTOTPLimited     = "security_totp_limited"  // the account's wrong codes reached the hourly limit
)

type text struct{ Subject, Body string }

var templates = map[string]map[string]text{
	KindInvitation: {
		"fr": {"Invitation à rejoindre {{.establishment}} sur Vigie",
			"Bonjour {{.firstName}},\n\n{{.inviter}} vous a ajouté(e) à {{.establishment}} sur Vigie, le portail de documents de conformité.\n\nChoisissez votre mot de passe avec ce lien (valable {{.validity}}) :\n{{.link}}\n"},
		"en": {"Invitation to join {{.establishment}} on Vigie",
			"Hello {{.firstName}},\n\n{{.inviter}} added you to {{.establishment}} on Vigie, the compliance document portal.\n\nChoose your password with this link (valid for {{.validity}}):\n{{.link}}\n"},
	},
	KindMemberAdded: {
		"fr": {"Vous avez accès à {{.establishment}}",
			"Bonjour {{.firstName}},\n\nVous êtes désormais membre de {{.establishment}} avec le profil « {{.profile}} ».\n{{.link}}\n"},
		"en": {"You now have access to {{.establishment}}",
			"Hello {{.firstName}},\n\nYou are now a member of {{.establishment}} with the profile \"{{.profile}}\".\n{{.link}}\n"},
	},
	KindMemberInvited: {
		"fr": {"{{.inviter}} vous invite à rejoindre {{.establishment}}",
			"Bonjour {{.firstName}},\n\n{{.inviter}} vous invite à rejoindre {{.establishment}} sur Vigie avec le profil « {{.profile}} ». Rien n'est partagé avant que vous acceptiez.\n\nAcceptez ou refusez depuis « Mon entreprise » :\n{{.link}}\n"},
		"en": {"{{.inviter}} invites you to join {{.establishment}}",
			"Hello {{.firstName}},\n\n{{.inviter}} invites you to join {{.establishment}} on Vigie with the profile \"{{.profile}}\". Nothing is shared before you accept.\n\nAccept or decline from \"My company\":\n{{.link}}\n"},
	},
	KindContactInvited: {
		"fr": {"{{.inviter}} vous invite à représenter {{.establishment}} sur Vigie",
			"Bonjour {{.firstName}},\n\n{{.inviter}} suit {{.establishment}} sur Vigie, le portail de documents de conformité, et vous propose d'en être le premier administrateur. Rien n'est partagé avant que vous acceptiez.\n\nChoisissez votre mot de passe avec ce lien (valable {{.validity}}), puis acceptez ou refusez l'invitation depuis « Mon entreprise » :\n{{.link}}\n"},
		"en": {"{{.inviter}} invites you to represent {{.establishment}} on Vigie",
			"Hello {{.firstName}},\n\n{{.inviter}} follows {{.establishment}} on Vigie, the compliance document portal, and proposes you as its first administrator. Nothing is shared before you accept.\n\nChoose your password with this link (valid for {{.validity}}), then accept or decline the invitation from \"My company\":\n{{.link}}\n"},
	},
	KindAccessRequested: {
		"fr": {"Demande d'accès pour {{.email}} à {{.establishment}}",
			"{{.requester}} demande un accès « {{.profile}} » à {{.establishment}} pour {{.name}} ({{.email}}).\nAcceptez ou refusez la demande dans « Mon entreprise » :\n{{.link}}\n"},
		"en": {"Access request for {{.email}} to {{.establishment}}",
			"{{.requester}} asks for \"{{.profile}}\" access to {{.establishment}} for {{.name}} ({{.email}}).\nApprove or refuse it in \"My company\":\n{{.link}}\n"},
	},
	KindAccessApproved: {
		"fr": {"Demande d'accès acceptée", "Votre demande d'accès à {{.establishment}} pour {{.email}} a été acceptée.\n"},
		"en": {"Access request approved", "Your request for {{.email}} to access {{.establishment}} was approved.\n"},
	},
	KindAccessRefused: {
		"fr": {"Demande d'accès refusée", "Votre demande d'accès à {{.establishment}} pour {{.email}} a été refusée.\n"},
		"en": {"Access request refused", "Your request for {{.email}} to access {{.establishment}} was refused.\n"},
	},
	KindProfileToReview: {
		"fr": {"Nouvel utilisateur à vérifier dans {{.establishment}}",
			"{{.customer}} a ajouté {{.name}} ({{.email}}) à {{.establishment}} avec le profil « {{.profile}} ». Vérifiez ses droits dans « Mon entreprise » :\n{{.link}}\n"},
		"en": {"New user to review in {{.establishment}}",
			"{{.customer}} added {{.name}} ({{.email}}) to {{.establishment}} with the profile \"{{.profile}}\". Review their rights in \"My company\":\n{{.link}}\n"},
	},
	KindReminderEscalated: {
		"fr": {"{{.count}} document(s) toujours non valide(s) après {{.after}} relances",
			"Bonjour,\n\nAprès {{.after}} relances restées sans nouveau document, ces documents que vous demandez ne sont toujours pas valides :\n{{.items}}\n\nVoyez où en est le fournisseur et relancez-le directement si besoin :\n{{.link}}\n"},
		"en": {"{{.count}} document(s) still not valid after {{.after}} reminders",
			"Hello,\n\nAfter {{.after}} reminders that brought no new document, these documents you ask for are still not valid:\n{{.items}}\n\nSee where the supplier stands and contact it directly if needed:\n{{.link}}\n"},
	},
	KindSupplierClosed: {
		"fr": {"{{.supplier}} est fermé au registre",
			"Le répertoire SIRENE indique que l'établissement {{.supplier}} (SIRET {{.siret}}), avec lequel {{.customer}} a un contrat en cours, est fermé. Vérifiez le contrat et les documents de vigilance :\n{{.link}}\n"},
		"en": {"{{.supplier}} is closed in the registry",
			"The SIRENE directory says that the establishment {{.supplier}} (SIRET {{.siret}}), with which {{.customer}} has a live contract, is closed. Check the contract and the vigilance documents:\n{{.link}}\n"},
	},
	KindSupplierAdded: {
		"fr": {"{{.customer}} vous a ajouté comme fournisseur",
			"{{.customer}} suit désormais les documents de conformité de {{.establishment}} sur Vigie.\n{{.link}}\n"},
		"en": {"{{.customer}} added you as a supplier",
			"{{.customer}} now follows the compliance documents of {{.establishment}} on Vigie.\n{{.link}}\n"},
	},
	KindDocumentReminder: {
		"fr": {"Documents à fournir pour {{.establishment}}", "{{.items}}\n{{.link}}\n"},
		"en": {"Documents to provide for {{.establishment}}", "{{.items}}\n{{.link}}\n"},
	},
	KindShareLink: {
		"fr": {"{{.sender}} vous transmet un document : {{.document}}",
			"Bonjour,\n\n{{.sender}} ({{.establishment}}) vous transmet le document « {{.document}} » via Vigie.\nOuvrez-le avec ce lien, valable jusqu'au {{.expires}} ; l'adresse à laquelle vous recevez ce message vous sera demandée :\n{{.link}}\n"},
		"en": {"{{.sender}} is sharing a document with you: {{.document}}",
			"Hello,\n\n{{.sender}} ({{.establishment}}) is sharing the document \"{{.document}}\" with you through Vigie.\nOpen it with this link, valid until {{.expires}}; you will be asked for the address this message was sent to:\n{{.link}}\n"},
	},
	KindShareOpened: {
		"fr": {"{{.email}} a ouvert « {{.document}} »", "{{.email}} a ouvert le document « {{.document}} » que vous avez partagé ({{.at}}).\n"},
		"en": {"{{.email}} opened \"{{.document}}\"", "{{.email}} opened the document \"{{.document}}\" you shared ({{.at}}).\n"},
	},
	KindShareAccepted: {
		"fr": {"{{.name}} a accepté « {{.document}} »", "{{.name}} ({{.email}}) a accepté le document « {{.document}} » que vous avez partagé ({{.at}}).\n"},
		"en": {"{{.name}} accepted \"{{.document}}\"", "{{.name}} ({{.email}}) accepted the document \"{{.document}}\" you shared ({{.at}}).\n"},
	},
	KindComplianceDigest: {
		"fr": {"{{.establishment}} : {{.count}} fournisseur(s) non conforme(s)",
			"Fournisseurs de {{.establishment}} à qui il manque un document ou dont un document a expiré :\n{{.items}}\n\nTableau de conformité : {{.link}}\n"},
		"en": {"{{.establishment}}: {{.count}} non-compliant supplier(s)",
			"Suppliers of {{.establishment}} missing a document or holding an expired one:\n{{.items}}\n\nCompliance dashboard: {{.link}}\n"},
	},
	KindPasswordChanged: {
		"fr": {"Votre mot de passe Vigie a été modifié", "Le mot de passe de votre compte Vigie a été modifié le {{.when}}." + siCeNEstPasVous},
		"en": {"Your Vigie password was changed", "The password of your Vigie account was changed on {{.when}}." + ifNotYou},
	},
	KindEmailChanged: {
		"fr": {"L'adresse de votre compte Vigie a été modifiée", "L'adresse email de votre compte Vigie a été remplacée le {{.when}} ; ce message part vers l'ancienne adresse." + siCeNEstPasVous},
		"en": {"The address of your Vigie account was changed", "The email address of your Vigie account was replaced on {{.when}}; this message goes to the old address." + ifNotYou},
	},
	KindTOTPEnabled: {
		"fr": {"Double authentification activée", "La double authentification de votre compte Vigie a été activée le {{.when}} ; vos autres sessions ont été fermées." + siCeNEstPasVous},
		"en": {"Two-factor authentication turned on", "Two-factor authentication was turned on for your Vigie account on {{.when}}; your other sessions were signed out." + ifNotYou},
	},
	KindTOTPReplayed: {
		"fr": {"Un code de double authentification déjà utilisé a été présenté", "Le {{.when}}, quelqu'un a tenté de se connecter à votre compte Vigie avec votre mot de passe et un code de double authentification déjà utilisé ; la connexion a été refusée. Votre mot de passe et un de vos codes ont pu être vus." + siCeNEstPasVous},
		"en": {"A two-factor code already used was presented", "On {{.when}}, someone tried to sign in to your Vigie account with your password and a two-factor code that had already been used; the sign-in was refused. Your password and one of your codes may have been seen." + ifNotYou},
	},
	KindTOTPLimited: {
		"fr": {"Trop de codes de double authentification erronés", "Le {{.when}}, un dixième code de double authentification erroné en une heure a été présenté pour votre compte Vigie, après votre mot de passe. Les codes sont refusés sans être vérifiés jusqu'à ce que l'heure soit passée. Quelqu'un connaît peut-être votre mot de passe." + siCeNEstPasVous},
		"en": {"Too many wrong two-factor codes", "On {{.when}}, a tenth wrong two-factor code within an hour was presented for your Vigie account, after your password. Codes are refused unchecked until the hour has passed. Someone may know your password." + ifNotYou},
	},
	KindTOTPDisabled: {
		"fr": {"Double authentification désactivée", "La double authentification de votre compte Vigie a été désactivée le {{.when}}." + siCeNEstPasVous},
		"en": {"Two-factor authentication turned off", "Two-factor authentication was turned off for your Vigie account on {{.when}}." + ifNotYou},
	},
}

// The close of every credential notice.
const (
	ifNotYou        = "\n\nIf it was not you, reset your password from the sign-in page at once and tell your establishment's administrator."
	siCeNEstPasVous = "\n\nSi ce n'est pas vous, réinitialisez tout de suite votre mot de passe depuis la page de connexion et prévenez l'administrateur de votre établissement."
)
