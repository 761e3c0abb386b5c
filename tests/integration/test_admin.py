"""Administration: accounts (create, edit, deactivate, reset password), structures, user list."""

import html
import json
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Structure, User
from tests import factories

pytestmark = pytest.mark.usefixtures("fresh_request_globals")

NEW_USER = {
    "email": "Nouvelle.Referente@Exemple.FR",
    "first_name": "Léa",
    "last_name": "Martin",
    "phone": "02 47 00 00 00",
    "role": "referent",
    "structure_id": "0",
    "caseload_ceiling": "60",
}


def text(response) -> str:
    """The page as text, HTML entities decoded (an apostrophe is sent as &#39;)."""
    return html.unescape(response.get_data(as_text=True))


def temporary_password(response) -> str:
    """The temporary password shown once on the page."""
    match = re.search(r'data-testid="temporary-password">([^<]+)</code>',
                      response.get_data(as_text=True))
    assert match, "no temporary password on the page"
    return match.group(1)


def hidden_version(response) -> str:
    """The value of the hidden version field of a form."""
    match = re.search(r'name="version" type="hidden" value="([^"]*)"',
                      response.get_data(as_text=True))
    if match is None:
        match = re.search(r'type="hidden" value="([^"]*)" name="version"',
                          response.get_data(as_text=True))
    assert match, "no version field in the form"
    return match.group(1)


def user_form_data(user: User, **changes) -> dict:
    """The edit form of an account as the browser would post it, with some values changed."""
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "role": user.role,
        "structure_id": str(user.structure_id or 0),
        "caseload_ceiling": str(user.caseload_ceiling),
    }
    data.update(changes)
    return data


def count(model) -> int:
    """Number of rows of a model, read in a fresh transaction."""
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def events(action: str) -> list[AuditEvent]:
    """Audit events of one action, oldest first."""
    db.session.rollback()
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def login(app, email: str, password: str = factories.PASSWORD):
    """A new test client logged in with these credentials, and the login response."""
    other = app.test_client()
    response = other.post("/login", data={"email": email, "password": password})
    return other, response


# --- Creating an account ---------------------------------------------------------------------


def test_admin_creates_user_with_temporary_password(app, client, auth, admin):
    """Creating an account shows a temporary password once and stores the e-mail in lower case."""
    auth.login(admin)
    response = client.post("/admin/users/new", data=NEW_USER)
    assert response.status_code == 200
    password = temporary_password(response)
    assert len(password) >= 12
    assert "ne sera plus jamais affiché" in text(response)

    db.session.rollback()
    user = db.session.scalar(sa.select(User).where(User.email == "nouvelle.referente@exemple.fr"))
    assert user is not None
    assert user.must_change_password is True
    assert user.caseload_ceiling == 60
    assert user.structure_id is None
    assert password not in user.password_hash

    created = events("user.create")
    assert len(created) == 1
    assert created[0].target_id == str(user.id)
    assert created[0].user_id == admin.id

    # The password is not shown again anywhere.
    listing = client.get("/admin/users")
    assert password not in text(listing)


def test_new_user_must_change_password_at_first_login(app, client, auth, admin):
    """The new account logs in with the temporary password and is sent to change it."""
    auth.login(admin)
    password = temporary_password(client.post("/admin/users/new", data=NEW_USER))

    newcomer, response = login(app, "nouvelle.referente@exemple.fr", password)
    assert response.status_code == 302
    home = newcomer.get("/")
    assert home.status_code == 302
    assert home.headers["Location"].endswith("/password")
    assert newcomer.get("/participants").headers["Location"].endswith("/password")


def test_create_refuses_an_email_already_used(client, auth, admin, referent):
    """An address already used, whatever its case, is refused in French and nothing is saved."""
    auth.login(admin)
    before = count(User)
    response = client.post("/admin/users/new",
                           data={**NEW_USER, "email": "  REFERENTE@exemple.fr "})
    assert response.status_code == 400
    assert "Un compte utilise déjà cette adresse e-mail." in text(response)
    assert count(User) == before
    assert events("user.create") == []


@pytest.mark.parametrize("field, value, message", [
    ("email", "pas-une-adresse", "Adresse e-mail invalide."),
    ("email", "", "Saisissez l'adresse e-mail."),
    ("first_name", "", "Saisissez le prénom."),
    ("last_name", "  ", "Saisissez le nom."),
    ("phone", "appelez-moi", "Numéro de téléphone invalide."),
])
def test_create_refuses_invalid_fields_in_french(client, auth, admin, field, value, message):
    """Each invalid field is refused with a French message and no account is created."""
    auth.login(admin)
    before = count(User)
    response = client.post("/admin/users/new", data={**NEW_USER, field: value})
    assert response.status_code == 400
    assert message in text(response)
    assert count(User) == before


@pytest.mark.parametrize("ceiling", ["0", "501", "-3", "100000"])
def test_ceiling_out_of_range_is_refused(client, auth, admin, ceiling):
    """A caseload ceiling outside 1..500 is refused with the French range message."""
    auth.login(admin)
    before = count(User)
    response = client.post("/admin/users/new", data={**NEW_USER, "caseload_ceiling": ceiling})
    assert response.status_code == 400
    assert ("Le plafond doit être compris entre 1 et 500 participants."
            in text(response))
    assert count(User) == before


@pytest.mark.parametrize("ceiling", ["1", "500"])
def test_ceiling_bounds_are_accepted(client, auth, admin, ceiling):
    """The bounds 1 and 500 are accepted."""
    auth.login(admin)
    response = client.post("/admin/users/new", data={**NEW_USER, "caseload_ceiling": ceiling})
    assert response.status_code == 200
    db.session.rollback()
    user = db.session.scalar(sa.select(User).where(User.email == "nouvelle.referente@exemple.fr"))
    assert user.caseload_ceiling == int(ceiling)


# --- Editing an account ----------------------------------------------------------------------


def test_admin_edits_role_structure_and_ceiling(client, auth, admin, referent):
    """The admin changes role, structure and ceiling; the change is audited field by field."""
    structure = factories.StructureFactory(name="Mission locale de Touraine")
    auth.login(admin)
    form = client.get(f"/admin/users/{referent.id}/edit")
    assert form.status_code == 200
    data = user_form_data(referent, role="supervisor", structure_id=str(structure.id),
                          caseload_ceiling="45", version=hidden_version(form))
    response = client.post(f"/admin/users/{referent.id}/edit", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/users")

    db.session.rollback()
    user = db.session.get(User, referent.id)
    assert (user.role, user.structure_id, user.caseload_ceiling) == (
        "supervisor", structure.id, 45)
    (event,) = events("user.update")
    assert event.target_id == str(referent.id)
    assert set(json.loads(event.detail)["fields"]) == {"role", "structure_id",
                                                      "caseload_ceiling"}


def test_edit_refuses_out_of_range_ceiling(client, auth, admin, referent):
    """Editing a ceiling to 501 is refused in French and the account keeps its value."""
    auth.login(admin)
    version = hidden_version(client.get(f"/admin/users/{referent.id}/edit"))
    response = client.post(f"/admin/users/{referent.id}/edit",
                           data=user_form_data(referent, caseload_ceiling="501",
                                               version=version))
    assert response.status_code == 400
    assert "entre 1 et 500" in text(response)
    db.session.rollback()
    assert db.session.get(User, referent.id).caseload_ceiling == 70


def test_edit_refuses_an_email_of_another_account(client, auth, admin, referent, other_referent):
    """Taking the address of another account is refused in French."""
    auth.login(admin)
    version = hidden_version(client.get(f"/admin/users/{referent.id}/edit"))
    response = client.post(f"/admin/users/{referent.id}/edit",
                           data=user_form_data(referent, email="Autre.Referent@exemple.fr",
                                               version=version))
    assert response.status_code == 400
    assert "Un compte utilise déjà cette adresse e-mail." in text(response)
    db.session.rollback()
    assert db.session.get(User, referent.id).email == "referente@exemple.fr"


def test_role_change_ends_the_users_sessions(app, client, auth, admin, referent):
    """After a role change, the cookie the user held before no longer opens a session."""
    theirs, response = login(app, referent.email)
    assert response.status_code == 302
    assert theirs.get("/").status_code == 200

    auth.login(admin)
    version = hidden_version(client.get(f"/admin/users/{referent.id}/edit"))
    client.post(f"/admin/users/{referent.id}/edit",
                data=user_form_data(referent, role="supervisor", version=version))

    response = theirs.get("/participants")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_edit_without_role_change_keeps_the_users_sessions(app, client, auth, admin, referent):
    """Changing only the ceiling does not log the user out."""
    theirs, _ = login(app, referent.email)
    auth.login(admin)
    version = hidden_version(client.get(f"/admin/users/{referent.id}/edit"))
    response = client.post(f"/admin/users/{referent.id}/edit",
                           data=user_form_data(referent, caseload_ceiling="50",
                                               version=version))
    assert response.status_code == 302
    assert theirs.get("/").status_code == 200


def test_stale_edit_answers_409_and_keeps_typed_values(client, auth, admin, referent):
    """A save based on an outdated form answers 409, keeps the typed values, overwrites nothing."""
    auth.login(admin)
    stale_version = hidden_version(client.get(f"/admin/users/{referent.id}/edit"))

    # A colleague saves in between.
    referent.last_name = "Nom-Du-Collègue"
    db.session.commit()

    data = user_form_data(referent, last_name="Nom-Tapé-Par-Moi", caseload_ceiling="33",
                          version=stale_version)
    response = client.post(f"/admin/users/{referent.id}/edit", data=data)
    assert response.status_code == 409
    page = text(response)
    assert "modifié par quelqu'un d'autre" in page
    assert 'value="Nom-Tapé-Par-Moi"' in page
    assert 'value="33"' in page
    db.session.rollback()
    user = db.session.get(User, referent.id)
    assert user.last_name == "Nom-Du-Collègue"
    assert user.caseload_ceiling == 70

    # The 409 form carries the current version: saving again is deliberate and works.
    fresh_version = hidden_version(response)
    assert fresh_version != stale_version
    again = client.post(f"/admin/users/{referent.id}/edit",
                        data={**data, "version": fresh_version})
    assert again.status_code == 302
    db.session.rollback()
    assert db.session.get(User, referent.id).last_name == "Nom-Tapé-Par-Moi"


def test_admin_cannot_remove_own_admin_role(client, auth, admin):
    """The admin cannot turn their own account into another role."""
    auth.login(admin)
    version = hidden_version(client.get(f"/admin/users/{admin.id}/edit"))
    response = client.post(f"/admin/users/{admin.id}/edit",
                           data=user_form_data(admin, role="supervisor", version=version))
    assert response.status_code == 400
    assert ("Vous ne pouvez pas retirer votre propre rôle d'administrateur."
            in text(response))
    db.session.rollback()
    assert db.session.get(User, admin.id).role == "admin"


def test_admin_cannot_deactivate_themself(client, auth, admin):
    """Neither the confirmation page nor the POST deactivates the admin's own account."""
    auth.login(admin)
    for method in (client.get, client.post):
        response = method(f"/admin/users/{admin.id}/deactivate")
        assert response.status_code == 302
    page = text(client.get("/admin/users"))
    assert "Vous ne pouvez pas désactiver votre propre compte." in page
    db.session.rollback()
    assert db.session.get(User, admin.id).active is True
    assert events("user.deactivate") == []


# --- Deactivation, reactivation, password reset ----------------------------------------------


def test_deactivate_asks_confirmation_then_deactivates(app, client, auth, admin, referent):
    """GET shows a confirmation with the participants still assigned; POST deactivates."""
    factories.ParticipantFactory.create_batch(2, referent=referent)
    theirs, _ = login(app, referent.email)

    auth.login(admin)
    confirm = client.get(f"/admin/users/{referent.id}/deactivate")
    assert confirm.status_code == 200
    page = text(confirm)
    assert "Désactiver le compte de" in page
    assert "2 participants sont encore attribués à ce compte" in page
    db.session.rollback()
    assert db.session.get(User, referent.id).active is True

    response = client.post(f"/admin/users/{referent.id}/deactivate")
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(User, referent.id).active is False
    assert [e.target_id for e in events("user.deactivate")] == [str(referent.id)]

    # Their open session is over, and they cannot log in again.
    assert "/login" in theirs.get("/").headers["Location"]
    _, again = login(app, referent.email)
    assert again.status_code == 401


def test_deactivate_confirmation_without_caseload_has_no_warning(client, auth, admin, referent):
    """With no participant assigned, the confirmation shows no reassignment warning."""
    auth.login(admin)
    page = text(client.get(f"/admin/users/{referent.id}/deactivate"))
    assert "encore attribué" not in page


def test_reactivate_lets_the_user_log_in_again(app, client, auth, admin, referent):
    """A reactivated account can log in again; the reactivation is audited."""
    auth.login(admin)
    client.post(f"/admin/users/{referent.id}/deactivate")
    response = client.post(f"/admin/users/{referent.id}/reactivate")
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(User, referent.id).active is True
    assert len(events("user.reactivate")) == 1
    _, login_response = login(app, referent.email)
    assert login_response.status_code == 302


def test_reactivate_refuses_get(client, auth, admin, referent):
    """Reactivation is a POST only."""
    auth.login(admin)
    assert client.get(f"/admin/users/{referent.id}/reactivate").status_code == 405


def test_reset_password_confirms_then_gives_a_temporary_password(app, client, auth, admin,
                                                                 referent):
    """GET asks for confirmation; POST shows a new temporary password; the old one stops working."""
    auth.login(admin)
    hash_before = referent.password_hash
    confirm = client.get(f"/admin/users/{referent.id}/reset-password")
    assert confirm.status_code == 200
    assert "Réinitialiser le mot de passe de" in text(confirm)
    db.session.rollback()
    assert db.session.get(User, referent.id).password_hash == hash_before

    response = client.post(f"/admin/users/{referent.id}/reset-password")
    assert response.status_code == 200
    password = temporary_password(response)
    assert len(events("user.password_reset")) == 1

    _, old = login(app, referent.email)
    assert old.status_code == 401
    newcomer, new = login(app, referent.email, password)
    assert new.status_code == 302
    assert newcomer.get("/").headers["Location"].endswith("/password")


def test_unknown_user_answers_404(client, auth, admin):
    """Admin pages of a missing account answer 404."""
    auth.login(admin)
    assert client.get("/admin/users/99999/edit").status_code == 404
    assert client.get("/admin/users/99999/deactivate").status_code == 404
    assert client.post("/admin/users/99999/reset-password").status_code == 404


# --- Structures ------------------------------------------------------------------------------


def test_admin_creates_and_edits_a_structure(client, auth, admin):
    """A structure is created then renamed; both are audited and listed."""
    auth.login(admin)
    response = client.post("/admin/structures/new",
                           data={"name": "  ACI Les Jardins  ", "city": "Tours",
                                 "phone": "02 47 11 22 33", "active": "y"})
    assert response.status_code == 302
    db.session.rollback()
    structure = db.session.scalar(sa.select(Structure).where(Structure.name == "ACI Les Jardins"))
    assert structure is not None and structure.active is True
    assert [e.target_id for e in events("structure.create")] == [str(structure.id)]

    response = client.post(f"/admin/structures/{structure.id}/edit",
                           data={"name": "ACI Les Jardins de Cocagne", "city": "Joué-lès-Tours"})
    assert response.status_code == 302
    db.session.rollback()
    structure = db.session.get(Structure, structure.id)
    assert structure.name == "ACI Les Jardins de Cocagne"
    assert structure.active is False  # unchecked box
    assert len(events("structure.update")) == 1
    listing = text(client.get("/admin/structures"))
    assert "ACI Les Jardins de Cocagne" in listing


@pytest.mark.parametrize("existing, typed", [
    ("Mission Locale Touraine", "mission locale touraine"),
    ("Mission Locale Touraine", "MISSION LOCALE TOURAINE"),
    ("Épicerie solidaire", "ÉPICERIE SOLIDAIRE"),
    ("Épicerie solidaire", "épicerie solidaire"),
])
def test_structure_name_must_be_unique_ignoring_case(client, auth, admin, existing, typed):
    """A name already used, whatever its case or accents' case, is refused in French."""
    factories.StructureFactory(name=existing)
    auth.login(admin)
    before = count(Structure)
    response = client.post("/admin/structures/new", data={"name": typed})
    assert response.status_code == 400
    assert "Une structure porte déjà ce nom." in text(response)
    assert count(Structure) == before


def test_structure_rename_to_another_name_is_refused(client, auth, admin):
    """Renaming a structure to another one's name is refused; keeping its own name is fine."""
    first = factories.StructureFactory(name="CCAS de Tours")
    factories.StructureFactory(name="CCAS de Blois")
    auth.login(admin)
    refused = client.post(f"/admin/structures/{first.id}/edit", data={"name": "ccas de blois"})
    assert refused.status_code == 400
    assert "Une structure porte déjà ce nom." in text(refused)
    kept = client.post(f"/admin/structures/{first.id}/edit",
                       data={"name": "CCAS DE TOURS", "active": "y"})
    assert kept.status_code == 302
    db.session.rollback()
    assert db.session.get(Structure, first.id).name == "CCAS DE TOURS"


def test_structure_without_name_is_refused(client, auth, admin):
    """A structure needs a name."""
    auth.login(admin)
    response = client.post("/admin/structures/new", data={"name": "   "})
    assert response.status_code == 400
    assert "Saisissez le nom de la structure." in text(response)


# --- User list: search, role filter, pagination ---------------------------------------------


def test_users_search_by_name_and_email(client, auth, admin):
    """The search finds accounts by last name, first name or e-mail, ignoring case."""
    factories.UserFactory(first_name="Hélène", last_name="Lefebvre", email="h.lefebvre@plie.fr")
    factories.UserFactory(first_name="Marc", last_name="Bonnet", email="m.bonnet@plie.fr")
    auth.login(admin)
    for query in ("lefeb", "LEFEBVRE", "h.lefebvre@", "Hélène", "hélène"):
        page = text(client.get("/admin/users", query_string={"q": query}))
        assert "h.lefebvre@plie.fr" in page, query
        assert "m.bonnet@plie.fr" not in page, query


def test_users_search_treats_wildcards_literally(client, auth, admin, referent):
    """A typed % or _ is a character to find, not a wildcard matching every account."""
    auth.login(admin)
    for query in ("%", "_", "referent_"):
        page = text(client.get("/admin/users", query_string={"q": query}))
        assert "referente@exemple.fr" not in page, query
        assert "Aucun compte ne correspond." in page, query


def test_users_role_filter(client, auth, admin, referent, supervisor):
    """The role filter keeps only the accounts of that role; an unknown role is ignored."""
    auth.login(admin)
    page = text(client.get("/admin/users", query_string={"role": "supervisor"}))
    assert "superviseur@exemple.fr" in page
    assert "referente@exemple.fr" not in page
    page = text(client.get("/admin/users", query_string={"role": "pirate"}))
    assert "superviseur@exemple.fr" in page and "referente@exemple.fr" in page


def test_users_are_paginated_by_50(client, auth, admin):
    """With more than 50 accounts, the rest are on page 2."""
    factories.UserFactory.create_batch(55, last_name="Zola")
    auth.login(admin)
    first = text(client.get("/admin/users"))
    assert "Page 1 sur 2" in first
    assert first.count("/edit\"") == 50
    second = text(client.get("/admin/users", query_string={"page": 2}))
    assert "Page 2 sur 2" in second
    assert second.count("/edit\"") == 6  # 55 + the admin = 56 accounts


def test_admin_pages_refuse_other_roles(client, auth, referent):
    """A référent gets 403 on the admin pages."""
    auth.login(referent)
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users/new", data=NEW_USER).status_code == 403
    assert count(User) == 1
