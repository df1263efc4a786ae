"""Public pages of the training app: none. Courses, materials and data requests are for
deputies and staff; the public sees a deputy's trainings only through the archive's counts."""

app_name = "training"

urlpatterns: list = []
