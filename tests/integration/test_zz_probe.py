import re
from tests.integration.test_admin import *  # noqa
def show(r):
    t = r.get_data(as_text=True)
    print(r.status_code, re.findall(r'invalid-feedback[^>]*>([^<]*)<', t), re.findall(r'alert[^>]*>(.*?)</div>', t, re.S))

def test_p(client, auth, admin, referent):
    auth.login(admin)
    show(client.post("/admin/users/new", data={**NEW_USER, "email": ""}))
    show(client.post("/admin/users/new", data={**NEW_USER, "caseload_ceiling": "0"}))
    v = hidden_version(client.get(f"/admin/users/{admin.id}/edit"))
    show(client.post(f"/admin/users/{admin.id}/edit", data=user_form_data(admin, role="supervisor", version=v)))
    v = hidden_version(client.get(f"/admin/users/{referent.id}/edit"))
    referent.last_name = "X"; db.session.commit()
    show(client.post(f"/admin/users/{referent.id}/edit", data=user_form_data(referent, version=v)))
