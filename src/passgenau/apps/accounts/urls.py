from django.urls import path

from . import password_reset, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("login/code/", views.totp_verify, name="totp_verify"),
    path("totp/enrol/", views.totp_enrol, name="totp_enrol"),
    path("password/reset/", password_reset.password_reset, name="password_reset"),
    path("password/reset/sent/", password_reset.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        password_reset.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "invitation/<uidb64>/<token>/",
        password_reset.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "password/reset/complete/",
        password_reset.password_reset_complete,
        name="password_reset_complete",
    ),
    path("me/", views.profile, name="profile"),
    path("me/password/", views.password_change, name="password_change"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_invite, name="user_invite"),
    path("users/<int:id>/", views.user_detail, name="user_detail"),
    path("users/<int:id>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:id>/role/", views.user_role_change, name="user_role_change"),
    path("users/<int:id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:id>/second-factor/", views.user_totp_reset, name="user_totp_reset"),
    path("users/<int:id>/password-link/", views.user_password_link, name="user_password_link"),
    path("users/<int:id>/invitation/", views.user_invitation_resend, name="user_invitation_resend"),
    path("users/<int:id>/reactivate/", views.user_reactivate, name="user_reactivate"),
]
