from import_export import resources

from .models import Deputy, DeputyGroup, ElectoralUnit


class DeputyResource(resources.ModelResource):
    class Meta:
        model = Deputy


class ElectoralUnitResource(resources.ModelResource):
    class Meta:
        model = ElectoralUnit


class DeputyGroupResource(resources.ModelResource):
    class Meta:
        model = DeputyGroup
