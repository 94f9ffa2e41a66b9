package io.pcg.vsphere.soap;

import com.vmware.vim25.DynamicProperty;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ObjectContent;
import com.vmware.vim25.ObjectSpec;
import com.vmware.vim25.PropertyFilterSpec;
import com.vmware.vim25.PropertySpec;
import com.vmware.vim25.RetrieveOptions;
import com.vmware.vim25.RetrieveResult;
import com.vmware.vim25.SelectionSpec;
import com.vmware.vim25.ServiceContent;
import com.vmware.vim25.TraversalSpec;
import com.vmware.vim25.VimPortType;
import java.rmi.RemoteException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads properties of managed objects through vCenter's PropertyCollector: RetrievePropertiesEx, then
 * ContinueRetrievePropertiesEx while vCenter hands back a token, so large inventories come in pages.
 */
public final class PropertyReader {

    private final VimPortType port;
    private final ServiceContent content;
    private final int pageSize;

    /** @param pageSize the most objects vCenter puts in one answer */
    public PropertyReader(VimPortType port, ServiceContent content, int pageSize) {
        this.port = port;
        this.content = content;
        this.pageSize = pageSize;
    }

    /** Some properties of one object, by path; empty when the object no longer exists. */
    public Map<String, Object> of(ManagedObjectReference object, String... paths) throws RemoteException {
        PropertySpec spec = new PropertySpec();
        spec.setType(object.getType());
        spec.setPathSet(paths);
        ObjectSpec objectSpec = new ObjectSpec();
        objectSpec.setObj(object);
        objectSpec.setSkip(false);
        PropertyFilterSpec filter = new PropertyFilterSpec();
        filter.setPropSet(new PropertySpec[] {spec});
        filter.setObjectSet(new ObjectSpec[] {objectSpec});
        List<ObjectContent> objects = retrieveAll(filter);
        return objects.isEmpty() ? Map.of() : values(objects.get(0));
    }

    /**
     * Every object of {@code types} anywhere below {@code root}, with the properties given per type, in one pass over
     * a ContainerView that is destroyed afterwards.
     */
    public List<ObjectContent> below(ManagedObjectReference root, String[] types, Map<String, String[]> properties)
            throws RemoteException {
        ManagedObjectReference view = port.createContainerView(content.getViewManager(), root, types, true);
        try {
            TraversalSpec viewContents = new TraversalSpec();
            viewContents.setName("viewContents");
            viewContents.setType("ContainerView");
            viewContents.setPath("view");
            viewContents.setSkip(false);
            ObjectSpec start = new ObjectSpec();
            start.setObj(view);
            start.setSkip(true);
            start.setSelectSet(new SelectionSpec[] {viewContents});
            List<PropertySpec> specs = new ArrayList<>();
            properties.forEach((type, paths) -> {
                PropertySpec spec = new PropertySpec();
                spec.setType(type);
                spec.setPathSet(paths);
                specs.add(spec);
            });
            PropertyFilterSpec filter = new PropertyFilterSpec();
            filter.setObjectSet(new ObjectSpec[] {start});
            filter.setPropSet(specs.toArray(PropertySpec[]::new));
            return retrieveAll(filter);
        } finally {
            destroyQuietly(view);
        }
    }

    /** Every object the filter selects, all pages. */
    public List<ObjectContent> retrieveAll(PropertyFilterSpec filter) throws RemoteException {
        RetrieveOptions options = new RetrieveOptions();
        options.setMaxObjects(pageSize);
        ManagedObjectReference collector = content.getPropertyCollector();
        List<ObjectContent> all = new ArrayList<>();
        RetrieveResult page = port.retrievePropertiesEx(collector, new PropertyFilterSpec[] {filter}, options);
        while (page != null) {
            if (page.getObjects() != null) {
                all.addAll(Arrays.asList(page.getObjects()));
            }
            String token = page.getToken();
            page = token == null || token.isEmpty() ? null : port.continueRetrievePropertiesEx(collector, token);
        }
        return all;
    }

    /** An object's properties by path; a property vCenter left out (unset) is absent. */
    public static Map<String, Object> values(ObjectContent object) {
        Map<String, Object> values = new HashMap<>();
        if (object.getPropSet() != null) {
            for (DynamicProperty property : object.getPropSet()) {
                values.put(property.getName(), property.getVal());
            }
        }
        return values;
    }

    private void destroyQuietly(ManagedObjectReference view) {
        try {
            port.destroyView(view);
        } catch (RemoteException | RuntimeException e) {
            // nothing to do: a view left behind ends with the session, and the answer is already read
        }
    }
}
